import type { AuditActor, AuditLog } from '../audit/index.js';
import { OrgStore } from '../identity/index.js';
import { notFound } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import { SkillGroupSettingsStore } from '../routing/index.js';

export interface AttachmentRetentionView {
  orgDays: number | null;
  groups: { id: string; name: string; days: number | null }[];
}

/**
 * How long chat attachments are kept, as set by admins: per skill group (routing's table), else per
 * organisation (identity's), each reached through its owner's store; null = inherit. Every change
 * is audited in the transaction that makes it, with the value it replaced.
 */
export class AttachmentRetentionAdmin {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
  ) {}

  async view(orgId: string): Promise<AttachmentRetentionView> {
    const orgDays = await OrgStore.attachmentRetentionDays(this.db, orgId);
    const groups = await SkillGroupSettingsStore.list(this.db, orgId);
    return { orgDays, groups: groups.map((g) => ({ id: g.id, name: g.name, days: g.attachment_retention_days })) };
  }

  async setOrgDays(orgId: string, actor: AuditActor, days: number | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await OrgStore.attachmentRetentionDays(tx, orgId, { forUpdate: true });
      await OrgStore.setAttachmentRetentionDays(tx, orgId, days);
      await this.audit.append(
        { orgId, actor, action: 'retention.policy_changed', target: { type: 'org', id: orgId }, details: { of: 'attachments', from: before, to: days } },
        tx,
      );
    });
  }

  async setGroupDays(orgId: string, actor: AuditActor, groupId: string, days: number | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await SkillGroupSettingsStore.update(tx, groupId, orgId, { attachmentRetentionDays: days });
      if (!before) throw notFound('No such skill group.');
      const details = { of: 'attachments', from: before.attachment_retention_days, to: days };
      await this.audit.append({ orgId, actor, action: 'retention.policy_changed', target: { type: 'skill_group', id: groupId }, details }, tx);
    });
  }
}

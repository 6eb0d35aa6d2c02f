import type { RecordingPolicy } from '@visavis/protocol';
import type { AuditActor, AuditLog } from '../audit/index.js';
import { notFound } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import { SkillGroupSettingsStore } from '../routing/index.js';
import { policyFromRow } from './recording-policy.js';

export interface GroupRecordingPolicy extends RecordingPolicy {
  id: string;
  name: string;
  retentionDays: number | null;
}

/**
 * Skill groups' recording policy and recording retention (docs/compliance.md). The columns live on
 * routing's `skill_groups`, reached through routing's store; each change is audited in the
 * transaction that makes it, with the value it replaced.
 */
export class RecordingPolicyAdmin {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
  ) {}

  async policies(orgId: string): Promise<GroupRecordingPolicy[]> {
    const rows = await SkillGroupSettingsStore.list(this.db, orgId);
    return rows.map((r) => ({ id: r.id, name: r.name, ...policyFromRow(r), retentionDays: r.recording_retention_days }));
  }

  async setPolicy(orgId: string, actor: AuditActor, groupId: string, policy: RecordingPolicy): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await SkillGroupSettingsStore.update(tx, groupId, orgId, { recordingPolicy: policy });
      if (!before) throw notFound('No such skill group.');
      // Last statement of the transaction: the audit head stays locked until commit.
      await this.audit.append(
        {
          orgId, actor, action: 'recording.policy_changed', target: { type: 'skill_group', id: groupId },
          details: { from: policyFromRow(before), to: policy },
        },
        tx,
      );
    });
  }

  async retentions(orgId: string): Promise<{ id: string; name: string; days: number | null }[]> {
    const rows = await SkillGroupSettingsStore.list(this.db, orgId);
    return rows.map((r) => ({ id: r.id, name: r.name, days: r.recording_retention_days }));
  }

  async setRetention(orgId: string, actor: AuditActor, groupId: string, days: number | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await SkillGroupSettingsStore.update(tx, groupId, orgId, { recordingRetentionDays: days });
      if (!before) throw notFound('No such skill group.');
      const details = { from: before.recording_retention_days, to: days };
      await this.audit.append({ orgId, actor, action: 'retention.policy_changed', target: { type: 'skill_group', id: groupId }, details }, tx);
    });
  }
}

import type { SqlExecutor } from '../ports/database.js';

/**
 * The per-group settings other modules keep on a skill group (routing owns `skill_groups`):
 * recording's policy and retention, conversations' attachment retention. Plain columns out; what
 * they mean stays with the module that set them (recording's `policyFromRow`).
 */
export interface SkillGroupSettingsRow {
  id: string;
  name: string;
  recording_mode: string;
  dual_recording: boolean;
  recording_script: unknown;
  visitor_local_recording: boolean;
  recording_retention_days: number | null;
  attachment_retention_days: number | null;
}

/** What another module may change on a group; a key left out is left as it is. */
export interface SkillGroupSettingsChange {
  recordingPolicy?: { mode: string; dual: boolean; script: string[]; visitorLocal: boolean };
  recordingRetentionDays?: number | null;
  attachmentRetentionDays?: number | null;
}

const COLUMNS = `id, name, recording_mode, dual_recording, recording_script, visitor_local_recording,
  recording_retention_days, attachment_retention_days`;

export const SkillGroupSettingsStore = {
  /** Every group of the organisation, by name (the admin pages' order). */
  async list(db: SqlExecutor, orgId: string): Promise<SkillGroupSettingsRow[]> {
    return db.query<SkillGroupSettingsRow>(`select ${COLUMNS} from skill_groups where org_id = $1 order by name`, [orgId]);
  },
  /** One group of the organisation; undefined when it is not (or no longer) there. */
  async byId(db: SqlExecutor, id: string, orgId: string): Promise<SkillGroupSettingsRow | undefined> {
    return (await db.query<SkillGroupSettingsRow>(`select ${COLUMNS} from skill_groups where id = $1 and org_id = $2`, [id, orgId]))[0];
  },
  /**
   * Locks the group, applies the change and answers the row as it was before (undefined, nothing
   * changed: the organisation has no such group). The caller audits "before" in the same transaction.
   */
  async update(tx: SqlExecutor, id: string, orgId: string, change: SkillGroupSettingsChange): Promise<SkillGroupSettingsRow | undefined> {
    const [before] = await tx.query<SkillGroupSettingsRow>(`select ${COLUMNS} from skill_groups where id = $1 and org_id = $2 for update`, [id, orgId]);
    if (!before) return undefined;
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown, cast = '') => sets.push(`${column} = $${params.push(value)}${cast}`);
    const p = change.recordingPolicy;
    if (p) {
      set('recording_mode', p.mode);
      set('dual_recording', p.dual);
      set('recording_script', JSON.stringify(p.script), '::jsonb');
      set('visitor_local_recording', p.visitorLocal);
    }
    if (change.recordingRetentionDays !== undefined) set('recording_retention_days', change.recordingRetentionDays);
    if (change.attachmentRetentionDays !== undefined) set('attachment_retention_days', change.attachmentRetentionDays);
    if (sets.length > 0) await tx.query(`update skill_groups set ${sets.join(', ')} where id = $1`, params);
    return before;
  },
  /** Groups that set an attachment retention, of one organisation or of all (null). */
  async attachmentRetentions(db: SqlExecutor, orgId: string | null): Promise<{ id: string; days: number }[]> {
    return db.query<{ id: string; days: number }>(
      'select id, attachment_retention_days as days from skill_groups where attachment_retention_days is not null and ($1::uuid is null or org_id = $1)',
      [orgId],
    );
  },
};

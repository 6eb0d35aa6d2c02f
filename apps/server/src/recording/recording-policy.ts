import { NO_RECORDING, RecordingMode, type RecordingPolicy } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';

/** The recording columns of a skill group (migration 005_recording.sql). */
export interface RecordingPolicyRow {
  recording_mode: string;
  dual_recording: boolean;
  recording_script: unknown;
  visitor_local_recording: boolean;
}

/** The columns to select, for a `skill_groups` row aliased as `g`. */
export const RECORDING_POLICY_COLUMNS =
  'g.recording_mode, g.dual_recording, g.recording_script, g.visitor_local_recording';

/**
 * A stored row as the protocol's policy. Defensive: a value the database should never hold (an
 * unknown mode, a script that is not a list of strings) reads as the safe side, never throws.
 */
export function policyFromRow(r: RecordingPolicyRow): RecordingPolicy {
  const mode = RecordingMode.safeParse(r.recording_mode);
  // jsonb arrives parsed from both adapters; a string would mean a driver that did not parse it.
  const raw: unknown = typeof r.recording_script === 'string' ? safeJson(r.recording_script) : r.recording_script;
  const script = Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : [];
  return {
    mode: mode.success ? mode.data : 'off',
    dual: Boolean(r.dual_recording),
    script,
    visitorLocal: Boolean(r.visitor_local_recording),
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return [];
  }
}

/**
 * The recording policy of a conversation's skill group, as it is now (conversations.group_id →
 * skill_groups). No group, an unknown conversation or a group deleted since: `NO_RECORDING`.
 * Takes a `SqlExecutor`, so a call's use case can read it inside its own transaction.
 */
export async function recordingPolicyForConversation(db: SqlExecutor, conversationId: string): Promise<RecordingPolicy> {
  const [row] = await db.query<RecordingPolicyRow>(
    `select ${RECORDING_POLICY_COLUMNS}
       from conversations c join skill_groups g on g.id = c.group_id and g.org_id = c.org_id
      where c.id = $1`,
    [conversationId],
  );
  return row ? policyFromRow(row) : { ...NO_RECORDING, script: [] };
}

import { NO_RECORDING, RecordingMode, type RecordingPolicy } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';
import { ConversationStore } from '../conversations/index.js';
import { SkillGroupSettingsStore } from '../routing/index.js';

/** The recording columns of a skill group (migration 005_recording.sql). */
export interface RecordingPolicyRow {
  recording_mode: string;
  dual_recording: boolean;
  recording_script: unknown;
  visitor_local_recording: boolean;
}

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
 * The recording policy of a conversation's skill group, as it is now (the conversation's group,
 * then that group's columns, each read from its owner's store). No group, an unknown conversation
 * or a group deleted since: `NO_RECORDING`. Takes a `SqlExecutor`, so a call's use case can read
 * it inside its own transaction.
 */
export async function recordingPolicyForConversation(db: SqlExecutor, conversationId: string): Promise<RecordingPolicy> {
  const conversation = await ConversationStore.byId(db, conversationId);
  const group = conversation?.group_id ? await SkillGroupSettingsStore.byId(db, conversation.group_id, conversation.org_id) : undefined;
  return group ? policyFromRow(group) : { ...NO_RECORDING, script: [] };
}

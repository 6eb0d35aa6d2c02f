import { randomUUID } from 'node:crypto';
import type { CallEndReason, CallMedia, CallProfile, CallStatus, CallView, RecordingPolicy, RecordingState } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';

export type Party = 'visitor' | 'agent';

export interface CallRow {
  id: string;
  org_id: string;
  conversation_id: string;
  media: CallMedia;
  profile: CallProfile;
  status: CallStatus;
  started_by: Party;
  agent_id: string | null;
  media_node: string | null;
  media_room: string | null;
  visitor_feed: string | null;
  agent_feed: string | null;
  created_at: string | Date;
  ring_expires_at: string | Date;
  answered_at: string | Date | null;
  ended_at: string | Date | null;
  ended_by: Party | 'system' | null;
  end_reason: CallEndReason | null;
  /** The recording policy of the conversation's group when the call started; null = not recorded. */
  recording_policy: RecordingPolicy | null;
  recording_state: RecordingState;
  /** The call's raw recording directory (shared with the media nodes); null = not recording. */
  recording_dir: string | null;
  recording_started_at: string | Date | null;
  notice_acknowledged_at: string | Date | null;
  postprocess_state: 'pending' | 'running' | 'done' | 'failed' | null;
}

/** An ended call taken for post-processing: where its raw recording is, and how long it lasted. */
export interface PostprocessClaim {
  id: string;
  recording_dir: string;
  answered_at: string | Date | null;
  ended_at: string | Date;
}

type Updatable = 'status' | 'media_node' | 'media_room' | 'visitor_feed' | 'agent_feed' | 'ended_by' | 'end_reason'
  | 'recording_state' | 'recording_dir' | 'postprocess_state';

const iso = (d: string | Date | null) => (d === null ? null : new Date(d).toISOString());

export function toCallView(r: CallRow): CallView {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    media: r.media,
    profile: r.profile,
    status: r.status,
    startedBy: r.started_by,
    createdAt: iso(r.created_at)!,
    answeredAt: iso(r.answered_at),
    endedAt: iso(r.ended_at),
    endReason: r.end_reason,
    recording: r.recording_policy && r.recording_policy.mode !== 'off'
      ? { mode: r.recording_policy.mode, dual: r.recording_policy.dual, state: r.recording_state }
      : null,
  };
}

export const CallStore = {
  async create(
    tx: SqlExecutor,
    c: {
      orgId: string; conversationId: string; media: CallMedia; profile: CallProfile; startedBy: Party; agentId: string | null; now: Date; ringExpiresAt: Date;
      recordingPolicy: RecordingPolicy; noticeAcknowledgedAt: Date | null;
    },
  ): Promise<CallRow | undefined> {
    // The partial unique index refuses a second live call in the conversation.
    const rows = await tx.query<CallRow>(
      `insert into calls (id, org_id, conversation_id, media, profile, status, started_by, agent_id, created_at, ring_expires_at,
                          recording_policy, notice_acknowledged_at)
       values ($1, $2, $3, $4, $5, 'ringing', $6, $7, $8, $9, $10, $11)
       on conflict (conversation_id) where status <> 'ended' do nothing returning *`,
      [
        randomUUID(), c.orgId, c.conversationId, c.media, c.profile, c.startedBy, c.agentId, c.now.toISOString(), c.ringExpiresAt.toISOString(),
        JSON.stringify(c.recordingPolicy), c.noticeAcknowledgedAt?.toISOString() ?? null,
      ],
    );
    return rows[0];
  },
  async lock(tx: SqlExecutor, id: string): Promise<CallRow | undefined> {
    return (await tx.query<CallRow>('select * from calls where id::text = $1 for update', [id]))[0];
  },
  async byId(db: SqlExecutor, id: string): Promise<CallRow | undefined> {
    return (await db.query<CallRow>('select * from calls where id::text = $1', [id]))[0];
  },
  async liveFor(db: SqlExecutor, conversationId: string): Promise<CallRow | undefined> {
    return (await db.query<CallRow>(`select * from calls where conversation_id = $1 and status <> 'ended'`, [conversationId]))[0];
  },
  async live(db: SqlExecutor): Promise<CallRow[]> {
    return db.query<CallRow>(`select * from calls where status <> 'ended'`);
  },
  /** Every call of the conversation, oldest first (recording's catalog reads who took each). */
  async forConversation(db: SqlExecutor, conversationId: string): Promise<CallRow[]> {
    return db.query<CallRow>('select * from calls where conversation_id = $1 order by created_at, id', [conversationId]);
  },
  /**
   * Takes one ended, recorded call for post-processing (recording's job): pending, or running since
   * before `staleBefore` (a worker that died). SKIP LOCKED: nodes never take the same call.
   */
  async claimPostprocess(db: SqlExecutor, endedBefore: Date, staleBefore: Date): Promise<PostprocessClaim | undefined> {
    const [row] = await db.query<PostprocessClaim>(
      `with due as (
         select id from calls
          where recording_dir is not null and ended_at <= $1
            and (postprocess_state = 'pending' or (postprocess_state = 'running' and postprocess_started_at < $2))
          order by ended_at limit 1 for update skip locked)
       update calls c set postprocess_state = 'running', postprocess_started_at = now()
         from due where c.id = due.id
       returning c.id, c.recording_dir, c.answered_at, c.ended_at`,
      [endedBefore.toISOString(), staleBefore.toISOString()],
    );
    return row;
  },
  async finishPostprocess(db: SqlExecutor, id: string, state: 'done' | 'failed', error: string | null): Promise<void> {
    await db.query('update calls set postprocess_state = $2, postprocess_error = $3 where id = $1', [id, state, error]);
  },
  async update(
    tx: SqlExecutor,
    id: string,
    patch: Partial<Pick<CallRow, Updatable>> & { answeredAt?: Date; endedAt?: Date; recordingStartedAt?: Date; noticeAcknowledgedAt?: Date },
  ): Promise<CallRow> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const add = (col: string, v: unknown) => {
      params.push(v);
      sets.push(`${col} = $${params.length}`);
    };
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'answeredAt') add('answered_at', (v as Date).toISOString());
      else if (k === 'endedAt') add('ended_at', (v as Date).toISOString());
      else if (k === 'recordingStartedAt') add('recording_started_at', (v as Date).toISOString());
      else if (k === 'noticeAcknowledgedAt') add('notice_acknowledged_at', (v as Date).toISOString());
      else add(k, v);
    }
    const [row] = await tx.query<CallRow>(`update calls set ${sets.join(', ')} where id = $1 returning *`, params);
    return row!;
  },
};

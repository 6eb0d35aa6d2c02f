import { randomUUID } from 'node:crypto';
import type { CloseReason, ConversationStatus, ConversationSummary, SequencedEvent } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';

export interface ConversationRow {
  id: string;
  org_id: string;
  visitor_id: string;
  agent_id: string | null;
  /** The skill group it is routed to (routing's `skill_groups`); null = none. */
  group_id: string | null;
  status: ConversationStatus;
  last_seq: number;
  page_url: string | null;
  language: string | null;
  created_at: string;
  queued_at: string | null;
  assigned_at: string | null;
  closed_at: string | null;
  closed_by: CloseReason | null;
  last_activity_at: string;
  last_message_text: string | null;
  last_message_at: string | null;
  last_visitor_message_at: string | null;
  visitor_read_seq: number;
  agent_read_seq: number;
  csat_score: number | null;
  csat_comment: string | null;
}

/** A row joined with names and the reader's unread count, as lists need it. */
export interface SummaryRow extends ConversationRow {
  visitor_name: string | null;
  agent_name: string | null;
  unread: number;
}

export function toSummary(r: SummaryRow): ConversationSummary {
  return {
    id: r.id,
    status: r.status,
    visitorId: r.visitor_id,
    visitorName: r.visitor_name,
    agentId: r.agent_id,
    agentName: r.agent_name,
    lastSeq: r.last_seq,
    createdAt: r.created_at,
    assignedAt: r.assigned_at,
    closedAt: r.closed_at,
    lastMessageText: r.last_message_text,
    lastMessageAt: r.last_message_at,
    unread: r.unread,
    csatScore: r.csat_score,
  };
}

/** A summary's columns (unread = messages by the other side after the reader's read cursor) and tables. */
const summaryColumns = (reader: 'visitor' | 'agent') => `
  c.*, v.name as visitor_name, a.name as agent_name,
    (select count(*)::int from conversation_events e
      where e.conversation_id = c.id and e.type = 'message'
        and e.author_kind = '${reader === 'agent' ? 'visitor' : 'agent'}'
        and e.seq > c.${reader}_read_seq) as unread`;
const summaryTables = `
  from conversations c
  join visitors v on v.id = c.visitor_id
  left join agents a on a.id = c.agent_id`;
const summarySelect = (reader: 'visitor' | 'agent') => `select ${summaryColumns(reader)} ${summaryTables}`;

/** A conversation locked for a batch of messages, with what the batch needs in the same read. */
export interface MessageTarget extends SummaryRow {
  /** Stored messages whose client message id is among those asked for (resends), as event rows. */
  resent: { conversation_id: string; seq: number; created_at: string; payload: SequencedEvent['event'] }[];
}

export const ConversationStore = {
  async create(
    db: SqlExecutor,
    c: {
      orgId: string; visitorId: string; pageUrl: string | null; language: string | null; now: Date;
      channel?: string; media?: string; entryPoint?: string | null; designatedAgentId?: string | null;
    },
  ): Promise<ConversationRow> {
    // VIP is the visitor's (set only from signed identity or the API), copied so the queue index has it.
    const [row] = await db.query<ConversationRow>(
      `insert into conversations (id, org_id, visitor_id, status, page_url, language, created_at, last_activity_at,
                                  channel, media, entry_point, designated_agent_id, vip)
       values ($1, $2, $3, 'open', $4, $5, $6, $6, $7, $8, $9, $10,
               coalesce((select vip from visitors where id = $3), false)) returning *`,
      [
        randomUUID(), c.orgId, c.visitorId, c.pageUrl, c.language, c.now.toISOString(),
        c.channel ?? 'web', c.media ?? 'chat', c.entryPoint ?? null, c.designatedAgentId ?? null,
      ],
    );
    return row!;
  },
  async byId(db: SqlExecutor, id: string): Promise<ConversationRow | undefined> {
    return (await db.query<ConversationRow>('select * from conversations where id = $1', [id]))[0];
  },
  /** What the conversation is now: a chat, or in a video / audio call (the call's transaction says). */
  async setMedia(db: SqlExecutor, id: string, media: string): Promise<void> {
    await db.query('update conversations set media = $2 where id = $1', [id, media]);
  },
  /** Locks the row for the rest of the transaction: serialises writers of one conversation. */
  async lock(db: SqlExecutor, id: string): Promise<ConversationRow | undefined> {
    return (await db.query<ConversationRow>('select * from conversations where id = $1 for update', [id]))[0];
  },
  /**
   * Locks the conversations of a batch of chat messages (message-writer.ts) in id order (two
   * batches locking overlapping sets cannot deadlock), in the one statement the batch begins
   * with: each row as the agent's summary reads it (names, the agent's unread count: the
   * inbox summary after the batch is this plus the visitor's new messages), and the messages
   * already stored under the batch's client message ids (resends). The unique index on client
   * message ids stays the guard: a resend stored between this read and the lock fails the insert.
   */
  async lockForMessages(db: SqlExecutor, ids: readonly string[], clientMsgIds: readonly string[]): Promise<MessageTarget[]> {
    return db.query<MessageTarget>(
      `select ${summaryColumns('agent')},
         (select coalesce(json_agg(json_build_object(
                   'conversation_id', e.conversation_id, 'seq', e.seq, 'created_at', e.created_at, 'payload', e.payload)), '[]'::json)
            from conversation_events e
           where e.conversation_id = c.id and e.author_kind in ('visitor', 'agent')
             and e.client_msg_id = any($2::text[])) as resent
       ${summaryTables}
       where c.id = any($1::uuid[]) order by c.id for update of c`,
      [ids, clientMsgIds],
    );
  },
  /** summary() for several conversations in one statement (inbox pushes after a batch of messages). */
  async summaries(db: SqlExecutor, ids: readonly string[], reader: 'visitor' | 'agent'): Promise<ConversationSummary[]> {
    if (ids.length === 0) return [];
    const rows = await db.query<SummaryRow>(`${summarySelect(reader)} where c.id = any($1::uuid[])`, [ids]);
    return rows.map(toSummary);
  },
  async summary(db: SqlExecutor, id: string, reader: 'visitor' | 'agent'): Promise<ConversationSummary | undefined> {
    const rows = await db.query<SummaryRow>(`${summarySelect(reader)} where c.id = $1`, [id]);
    return rows[0] && toSummary(rows[0]);
  },
  async liveForVisitor(db: SqlExecutor, visitorId: string): Promise<ConversationRow | undefined> {
    return (
      await db.query<ConversationRow>(
        `select * from conversations where visitor_id = $1 and status <> 'closed' order by created_at desc limit 1`,
        [visitorId],
      )
    )[0];
  },
  async listForVisitor(db: SqlExecutor, visitorId: string, limit = 50): Promise<ConversationSummary[]> {
    const rows = await db.query<SummaryRow>(
      `${summarySelect('visitor')} where c.visitor_id = $1 order by c.created_at desc limit $2`,
      [visitorId, limit],
    );
    return rows.map(toSummary);
  },
  /** An agent's inbox; `agentId` null = the whole organisation (supervisors). */
  async listForAgent(
    db: SqlExecutor,
    orgId: string,
    agentId: string | null,
    scope: 'live' | 'closed',
    limit = 200,
  ): Promise<ConversationSummary[]> {
    const rows = await db.query<SummaryRow>(
      `${summarySelect('agent')}
       where c.org_id = $1 and ($2::uuid is null or c.agent_id = $2::uuid)
         and ${scope === 'live' ? "c.status <> 'closed'" : "c.status = 'closed'"}
       order by coalesce(c.last_message_at, c.created_at) desc limit $3`,
      [orgId, agentId, limit],
    );
    return rows.map(toSummary);
  },
  async queued(db: SqlExecutor, orgId: string): Promise<ConversationRow[]> {
    return db.query<ConversationRow>(
      `select * from conversations where org_id = $1 and status = 'queued' order by queued_at, created_at`,
      [orgId],
    );
  },
  async setStatus(
    db: SqlExecutor,
    id: string,
    patch: { status: ConversationStatus; agentId?: string | null; now: Date; closedBy?: CloseReason; routing?: unknown },
  ): Promise<ConversationRow> {
    const at = patch.now.toISOString();
    const [row] = await db.query<ConversationRow>(
      `update conversations set status = $2,
         agent_id = case when $3::boolean then $4::uuid else agent_id end,
         queued_at = case when $2 = 'queued' then $5::timestamptz else queued_at end,
         assigned_at = case when $2 = 'assigned' then $5::timestamptz else assigned_at end,
         closed_at = case when $2 = 'closed' then $5::timestamptz else closed_at end,
         closed_by = coalesce($6, closed_by),
         routing = coalesce($7::jsonb, routing)
       where id = $1 returning *`,
      [
        id,
        patch.status,
        patch.agentId !== undefined,
        patch.agentId ?? null,
        at,
        patch.closedBy ?? null,
        patch.routing === undefined ? null : JSON.stringify(patch.routing),
      ],
    );
    return row!;
  },
  async setCsat(db: SqlExecutor, id: string, score: number, comment: string): Promise<void> {
    await db.query('update conversations set csat_score = $2, csat_comment = $3 where id = $1', [id, score, comment]);
  },
  /** Moves a receipt cursor forward only; answers false when it would not move. */
  async advanceReceipt(
    db: SqlExecutor,
    id: string,
    reader: 'visitor' | 'agent',
    state: 'delivered' | 'read',
    upToSeq: number,
  ): Promise<boolean> {
    const column = `${reader}_${state}_seq`;
    const rows = await db.query(
      `update conversations set ${column} = $2 where id = $1 and ${column} < $2 and last_seq >= $2 returning id`,
      [id, upToSeq],
    );
    return rows.length > 0;
  },
  /** Live conversations with no activity since `before`, for the inactivity sweeper. */
  async inactiveSince(db: SqlExecutor, before: Date, limit = 100): Promise<ConversationRow[]> {
    return db.query<ConversationRow>(
      `select * from conversations where status <> 'closed' and last_activity_at < $1 order by last_activity_at limit $2`,
      [before.toISOString(), limit],
    );
  },
};

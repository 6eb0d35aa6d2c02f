import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';
import { emitFact } from '../platform/events/domain-events.js';
import type { Effects } from '../platform/outbox/unit-of-work.js';
import { timelineFact } from './timeline-facts.js';

interface EventRow {
  conversation_id: string;
  seq: number;
  created_at: string;
  payload: TimelineEvent;
}

const toSequenced = (r: EventRow): SequencedEvent => ({
  conversationId: r.conversation_id,
  seq: r.seq,
  at: r.created_at,
  event: r.payload,
});

/**
 * Records a fact in a conversation's timeline, the one way any module does: the entry gets the
 * conversation's next seq, the matching domain event goes to the outbox in the same transaction
 * (timeline-facts.ts), and the entry is pushed to the conversation's followers after the commit.
 * The caller holds the conversation's row lock (see EventStore.append). `visitorId` only for
 * `conversation.created`.
 */
export async function recordTimeline(
  tx: SqlExecutor,
  fx: Effects,
  c: { orgId: string; conversationId: string; now: Date },
  event: TimelineEvent,
  visitorId?: string,
): Promise<SequencedEvent> {
  const entry = await EventStore.append(tx, c, event);
  await emitFact(tx, c.orgId, timelineFact(entry, visitorId), c.now);
  fx.event(c.orgId, entry);
  return entry;
}

export const EventStore = {
  /**
   * Appends an event with the conversation's next sequence number. The caller must hold the
   * conversation's row lock (ConversationStore.lock) in the same transaction, so numbers are
   * gap-free and commit in order. Messages also refresh the conversation's list fields.
   */
  async append(
    tx: SqlExecutor,
    c: { orgId: string; conversationId: string; now: Date },
    event: TimelineEvent,
  ): Promise<SequencedEvent> {
    const at = c.now.toISOString();
    const isMessage = event.type === 'message';
    const authorKind = isMessage ? event.author.kind : null;
    const preview = isMessage ? (event.text || event.attachment?.name || '').slice(0, 200) : null;
    const [conv] = await tx.query<{ last_seq: number }>(
      `update conversations set last_seq = last_seq + 1,
         last_activity_at = case when $2::boolean then $3::timestamptz else last_activity_at end,
         last_message_text = case when $2::boolean then $4 else last_message_text end,
         last_message_at = case when $2::boolean then $3::timestamptz else last_message_at end,
         last_visitor_message_at = case when $5 = 'visitor' then $3::timestamptz else last_visitor_message_at end
       where id = $1 returning last_seq`,
      [c.conversationId, isMessage, at, preview, authorKind],
    );
    const seq = conv!.last_seq;
    await tx.query(
      `insert into conversation_events (org_id, conversation_id, seq, type, author_kind, client_msg_id, payload, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        c.orgId,
        c.conversationId,
        seq,
        event.type,
        authorKind,
        isMessage ? event.clientMsgId : null,
        JSON.stringify(event),
        at,
      ],
    );
    return { conversationId: c.conversationId, seq, at, event };
  },
  async byClientMsgId(
    db: SqlExecutor,
    conversationId: string,
    authorKind: 'visitor' | 'agent',
    clientMsgId: string,
  ): Promise<SequencedEvent | undefined> {
    const rows = await db.query<EventRow>(
      `select conversation_id, seq, created_at, payload from conversation_events
       where conversation_id = $1 and author_kind = $2 and client_msg_id = $3`,
      [conversationId, authorKind, clientMsgId],
    );
    return rows[0] && toSequenced(rows[0]);
  },
  async after(db: SqlExecutor, conversationId: string, afterSeq: number, limit: number): Promise<SequencedEvent[]> {
    const rows = await db.query<EventRow>(
      `select conversation_id, seq, created_at, payload from conversation_events
       where conversation_id = $1 and seq > $2 order by seq limit $3`,
      [conversationId, afterSeq, limit],
    );
    return rows.map(toSequenced);
  },
};

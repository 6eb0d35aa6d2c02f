import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';
import { emitFact, emitFacts } from '../platform/events/domain-events.js';
import type { Effects } from '../platform/outbox/unit-of-work.js';
import { timelineFact } from './timeline-facts.js';

type MessageEvent = Extract<TimelineEvent, { type: 'message' }>;

/** One message of a batch: the conversation's `last_seq` as read under its row lock in this transaction. */
export interface BatchedMessage {
  orgId: string;
  conversationId: string;
  lastSeq: number;
  event: Omit<MessageEvent, 'messageId'>;
}

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

/**
 * `recordTimeline` for many messages in one transaction, each statement once for all of them: the
 * chat's hot path (message-writer.ts). The caller holds the row lock of every conversation and
 * passes the `last_seq` it read under it; messages of one conversation get consecutive seqs in
 * the order given.
 */
export async function recordMessages(
  tx: SqlExecutor,
  fx: Effects,
  now: Date,
  messages: readonly BatchedMessage[],
): Promise<SequencedEvent[]> {
  const entries = await EventStore.appendMessages(tx, now, messages);
  await emitFacts(
    tx,
    entries.map((entry, i) => ({ orgId: messages[i]!.orgId, fact: timelineFact(entry), at: now })),
  );
  entries.forEach((entry, i) => fx.event(messages[i]!.orgId, entry));
  return entries;
}

/** What conversation lists show of a message (the conversations row's last_message_text). */
export const messagePreview = (e: { text: string; attachment: MessageEvent['attachment'] }) =>
  (e.text || e.attachment?.name || '').slice(0, 200);

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
    const preview = isMessage ? messagePreview(event) : null;
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
  /** See recordMessages: one statement whatever the number of messages and conversations. */
  async appendMessages(tx: SqlExecutor, now: Date, messages: readonly BatchedMessage[]): Promise<SequencedEvent[]> {
    const at = now.toISOString();
    const next = new Map<string, { from: number; seq: number; preview: string; visitorWrote: boolean }>();
    const entries = messages.map((m): SequencedEvent => {
      const c = next.get(m.conversationId) ?? { from: m.lastSeq, seq: m.lastSeq, preview: '', visitorWrote: false };
      c.seq += 1;
      c.preview = messagePreview(m.event);
      c.visitorWrote ||= m.event.author.kind === 'visitor';
      next.set(m.conversationId, c);
      const { type, ...fields } = m.event;
      const event: MessageEvent = { type, messageId: `${m.conversationId}:${c.seq}`, ...fields };
      return { conversationId: m.conversationId, seq: c.seq, at, event };
    });
    const ids = [...next.keys()];
    const rows = ids.map((id) => next.get(id)!);
    // `last_seq = from` re-checks what the caller read under the lock: a mismatch is a bug, not a race.
    const [result] = await tx.query<{ updated: number }>(
      `with moved as (
         update conversations c set last_seq = u.seq, last_activity_at = $1::timestamptz,
           last_message_text = u.preview, last_message_at = $1::timestamptz,
           last_visitor_message_at = case when u.visitor_wrote then $1::timestamptz else c.last_visitor_message_at end
         from unnest($2::uuid[], $3::int[], $4::text[], $5::boolean[], $6::int[]) as u(id, seq, preview, visitor_wrote, from_seq)
         where c.id = u.id and c.last_seq = u.from_seq returning c.id
       ), appended as (
         insert into conversation_events (org_id, conversation_id, seq, type, author_kind, client_msg_id, payload, created_at)
         select o, c, s, 'message', k, m, p::jsonb, $1::timestamptz
         from unnest($7::uuid[], $8::uuid[], $9::int[], $10::text[], $11::text[], $12::text[]) as r(o, c, s, k, m, p)
       )
       select count(*)::int as updated from moved`,
      [
        at, ids, rows.map((r) => r.seq), rows.map((r) => r.preview), rows.map((r) => r.visitorWrote), rows.map((r) => r.from),
        messages.map((m) => m.orgId), entries.map((e) => e.conversationId), entries.map((e) => e.seq),
        messages.map((m) => m.event.author.kind), messages.map((m) => m.event.clientMsgId), entries.map((e) => JSON.stringify(e.event)),
      ],
    );
    if (result?.updated !== ids.length) throw new Error('appendMessages: a conversation moved without its row lock');
    return entries;
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

import type { SequencedEvent } from '@visavis/protocol';
import { AppError, notFound } from '../platform/errors.js';
import { overloaded } from '../platform/load-shedder.js';
import type { Effects, UnitOfWork } from '../platform/outbox/unit-of-work.js';
import type { Clock } from '../ports/clock.js';
import type { SqlExecutor } from '../ports/database.js';
import { isSupervisor, type Principal } from '../identity/index.js';
import { canWrite } from './access.js';
import { ConversationStore, toSummary, type ConversationRow, type MessageTarget } from './conversation-store.js';
import { messagePreview, recordMessages, type BatchedMessage } from './event-store.js';

/** A text message as the writer takes it: validated and trimmed by ConversationService. */
export interface TextMessage {
  conversationId: string;
  clientMsgId: string;
  text: string;
}

export interface MessageWriterOptions {
  /** Batches in their transactions at once (each holds a database connection). */
  concurrency: number;
  /** Messages per batch at most. */
  maxBatch: number;
  /**
   * The longest the queue may be, in expected wait (ms): a message that would wait longer is
   * refused at once with OVERLOADED and a retry hint (LOAD_SHED_TARGET_MS × 4).
   */
  maxQueueMs: number;
}

interface Job {
  p: Principal;
  m: TextMessage;
  queuedAt: number;
  resolve: (e: SequencedEvent) => void;
  reject: (e: unknown) => void;
}

/** What the batch does with a message: write it, refuse it, leave it to the one-message path, or answer it as an earlier copy in the same batch. */
type Verdict = { kind: 'write' } | { kind: 'refuse'; error: AppError } | { kind: 'alone' } | { kind: 'same-as'; first: Settled };

/**
 * Group commit for chat messages. Messages that arrive while earlier batches are in their
 * transactions wait and then go together in one transaction of four round trips (BEGIN; lock the
 * conversations with their names, unread counts and stored resends; advance them and insert the
 * entries; COMMIT — plus the outbox when someone listens), instead of seven each. At 2,000
 * messages/s that is the difference between a database that keeps up and one that does not
 * (bench/README.md, chat). Nothing about a single message changes: the same authorisation,
 * idempotency on (conversation, author side, clientMsgId), gap-free seqs under the row lock, the
 * same domain events and pushes after the commit. Each message is answered on its own: one
 * that is refused does not fail its batch. What the batch cannot decide by itself (an agent
 * who is not the assignee, whose access needs another query), and every message of a batch
 * whose transaction failed (a deadlock with another writer, a lost connection), goes through
 * the one-message path, which answers a message already stored with its stored event.
 */
export class MessageWriter {
  private readonly waiting: Job[] = [];
  private running = 0;
  /** Conversations with a message in a running batch: their next messages wait for it. */
  private readonly busy = new Set<string>();
  /** Recent batches' time per message (moving average), for the expected wait of the queue. */
  private msPerMessage = 1;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly one: (p: Principal, m: TextMessage) => Promise<SequencedEvent>,
    private readonly opts: MessageWriterOptions,
  ) {}

  /**
   * Queues the message, or refuses it (nothing done, OVERLOADED) when the queue already holds more
   * than `maxQueueMs` of work at the pace batches have been going: an unbounded queue would make
   * every message late and then time out, where a prompt refusal lets the client come back.
   */
  write(p: Principal, m: TextMessage): Promise<SequencedEvent> {
    const expectedWaitMs = (this.waiting.length * this.msPerMessage) / this.opts.concurrency;
    if (expectedWaitMs > this.opts.maxQueueMs) {
      return Promise.reject(overloaded(expectedWaitMs));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ p, m, queuedAt: performance.now(), resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts batches while there is room. A conversation is in one running batch at most, so its
   * messages are written in the order they were given here, even when two batches' transactions
   * would reach its row lock in the other order; a sender may therefore pipeline its messages.
   */
  private pump(): void {
    while (this.running < this.opts.concurrency && this.waiting.length > 0) {
      const jobs = this.takeBatch();
      if (jobs.length === 0) return;
      const conversations = new Set(jobs.map((j) => j.m.conversationId));
      for (const id of conversations) this.busy.add(id);
      this.running++;
      // runBatch settles every job itself; should it throw anyway, no message is left hanging.
      void this.runBatch(jobs).catch((e: unknown) => jobs.forEach((j) => j.reject(e))).finally(() => {
        for (const id of conversations) this.busy.delete(id);
        this.running--;
        this.pump();
      });
    }
  }

  /** The oldest waiting messages of conversations not in a running batch, in order. */
  private takeBatch(): Job[] {
    const taken: Job[] = [];
    const left: Job[] = [];
    for (const job of this.waiting) {
      if (taken.length < this.opts.maxBatch && !this.busy.has(job.m.conversationId)) taken.push(job);
      else left.push(job);
    }
    this.waiting.splice(0, this.waiting.length, ...left);
    return taken;
  }

  private async runBatch(jobs: Job[]): Promise<void> {
    let settled: Settled[];
    try {
      const started = performance.now();
      settled = await this.uow.run((tx, fx) => this.writeBatch(tx, fx, jobs));
      this.msPerMessage = 0.8 * this.msPerMessage + (0.2 * (performance.now() - started)) / jobs.length;
    } catch {
      // The whole transaction failed: each message on its own, in order (a stored one answers as stored).
      for (const j of jobs) await this.one(j.p, j.m).then(j.resolve, j.reject);
      return;
    }
    // What the batch left to the one-message path runs after it, in order.
    for (const { job, verdict, event } of settled) {
      const copyOf = verdict.kind === 'same-as' ? verdict.first.event : undefined;
      if (verdict.kind === 'refuse') job.reject(verdict.error);
      else if (verdict.kind === 'write') job.resolve(event!);
      else if (copyOf) job.resolve(copyOf);
      else await this.one(job.p, job.m).then(job.resolve, job.reject);
    }
  }

  private async writeBatch(tx: SqlExecutor, fx: Effects, jobs: Job[]): Promise<Settled[]> {
    const conversationIds = [...new Set(jobs.map((j) => j.m.conversationId))];
    const targets = await ConversationStore.lockForMessages(tx, conversationIds, [...new Set(jobs.map((j) => j.m.clientMsgId))]);
    const rows = new Map(targets.map((r) => [r.id, r]));
    const stored = new Map(targets.flatMap((r) => r.resent).map((e) => [storedKey(e), e]));
    const settled: Settled[] = jobs.map((job) => ({ job, verdict: judge(job.p, rows.get(job.m.conversationId)) }));
    // Resends: looked up only for messages the sender may write, as the one-message path does.
    const firstOfKey = new Map<string, Settled>();
    for (const s of settled) {
      if (s.verdict.kind !== 'write') continue;
      const key = keyOf(s.job);
      const earlier = stored.get(key);
      const first = firstOfKey.get(key);
      if (earlier) s.event = { conversationId: earlier.conversation_id, seq: earlier.seq, at: new Date(earlier.created_at).toISOString(), event: earlier.payload };
      else if (first) s.verdict = { kind: 'same-as', first };
      else firstOfKey.set(key, s);
    }
    const writes = settled.filter((s) => s.verdict.kind === 'write' && !s.event);
    if (writes.length === 0) return settled;
    const messages = writes.map(({ job: { p, m } }): BatchedMessage => {
      const c = rows.get(m.conversationId)!;
      const author = p.kind === 'visitor'
        ? { kind: 'visitor' as const, id: p.visitorId, name: c.visitor_name }
        : { kind: 'agent' as const, id: p.agentId, name: p.name };
      return {
        orgId: c.org_id, conversationId: c.id, lastSeq: c.last_seq,
        event: { type: 'message', clientMsgId: m.clientMsgId, author, kind: 'text', text: m.text, attachment: null },
      };
    });
    const entries = await recordMessages(tx, fx, this.clock.now(), messages);
    writes.forEach((w, i) => (w.event = entries[i]));
    pushInboxes(fx, rows, entries);
    return settled;
  }
}

/**
 * The inbox line of each conversation a visitor wrote to, as it stands after the batch: built from
 * the row read under the lock (no read after the commit), unread grown by the visitor's messages.
 */
function pushInboxes(fx: Effects, rows: Map<string, MessageTarget>, entries: SequencedEvent[]): void {
  const after = new Map<string, { row: MessageTarget; last: SequencedEvent; newUnread: number }>();
  for (const e of entries) {
    if (e.event.type !== 'message') continue;
    const a = after.get(e.conversationId) ?? { row: rows.get(e.conversationId)!, last: e, newUnread: 0 };
    a.last = e;
    if (e.event.author.kind === 'visitor') a.newUnread++;
    after.set(e.conversationId, a);
  }
  for (const { row, last, newUnread } of after.values()) {
    if (newUnread === 0 || last.event.type !== 'message') continue;
    const conversation = toSummary({
      ...row, last_seq: last.seq, last_message_text: messagePreview(last.event), last_message_at: last.at, unread: row.unread + newUnread,
    });
    fx.push('inbox.updated', { orgId: row.org_id, agentId: row.agent_id, conversation });
  }
}

interface Settled {
  job: Job;
  verdict: Verdict;
  /** The stored entry: written by this batch, or found as an earlier send of the same message. */
  event?: SequencedEvent | undefined;
}

const keyOf = (j: Job) => `${j.m.conversationId}|${j.p.kind}|${j.m.clientMsgId}`;
const storedKey = (e: MessageTarget['resent'][number]) =>
  e.payload.type === 'message' ? `${e.conversation_id}|${e.payload.author.kind}|${e.payload.clientMsgId}` : '';

/** lockWritable's rules on a row already locked; `alone` when they need a query of their own. */
function judge(p: Principal, c: ConversationRow | undefined): Verdict {
  if (!c || c.org_id !== p.orgId) return { kind: 'refuse', error: notFound('No such conversation.') };
  if (p.kind === 'visitor') {
    if (c.visitor_id !== p.visitorId) return { kind: 'refuse', error: notFound('No such conversation.') };
  } else if (!isSupervisor(p) && c.agent_id !== p.agentId) {
    return { kind: 'alone' };
  }
  if (!canWrite(p, c)) return { kind: 'alone' };
  if (c.status === 'closed') return { kind: 'refuse', error: new AppError('CONVERSATION_CLOSED') };
  return { kind: 'write' };
}

import type { Channel, ConversationSummary, Language, Media, SequencedEvent, TimelineEvent } from '@visavis/protocol';
import { LIMITS } from '@visavis/protocol';
import { assertTransition } from '@visavis/domain';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import { releaseConversation } from '../routing/index.js';
import { CallStore } from '../calls/index.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import { BlobMetaStore } from './blob-meta-store.js';
import { ConversationStore } from './conversation-store.js';
import { EventStore, recordTimeline } from './event-store.js';
import { Commands } from '../platform/outbox/commands.js';
import { AgentStore, VisitorStore, type Principal } from '../identity/index.js';
import { lockWritable, readableConversation } from './access.js';
import type { UnitOfWork } from '../platform/outbox/unit-of-work.js';
import { MessageWriter, type MessageWriterOptions } from './message-writer.js';

/**
 * PGlite runs one transaction at a time, so one batch at a time; PostgreSQL takes a few at once
 * (each holds one of the pool's connections, the rest stay for everything else).
 */
export function batchesFor(db: Pick<Database, 'kind'>, maxQueueMs = 400): MessageWriterOptions {
  return db.kind === 'pglite' ? { concurrency: 1, maxBatch: 200, maxQueueMs } : { concurrency: 4, maxBatch: 200, maxQueueMs };
}

export interface SendMessageInput {
  conversationId: string;
  clientMsgId: string;
  text: string;
  blobId?: string | undefined;
}

/** Conversation use cases: start, messages, receipts, typing, close, CSAT, history. */
export class ConversationService {
  private readonly writer: MessageWriter;

  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    batches: MessageWriterOptions = batchesFor(db),
  ) {
    this.writer = new MessageWriter(uow, clock, (p, m) => this.writeOne(p, m), batches);
  }

  /** The visitor's live conversation, or a new one that enters the queue for routing. */
  async start(
    p: Principal,
    opts: {
      pageUrl?: string | undefined; language?: Language | undefined; entryPoint?: string | undefined;
      designatedAgentId?: string | undefined; channel?: Channel | undefined; media?: Media | undefined;
    },
  ): Promise<ConversationSummary> {
    if (p.kind !== 'visitor') throw new AppError('FORBIDDEN', 'Only visitors start conversations.');
    const existing = await ConversationStore.liveForVisitor(this.db, p.visitorId);
    const id =
      existing?.id ??
      (await this.uow.run(async (tx, fx) => {
        const now = this.clock.now();
        const c = await ConversationStore.create(tx, {
          orgId: p.orgId,
          visitorId: p.visitorId,
          pageUrl: opts.pageUrl ?? null,
          language: opts.language ?? null,
          now,
          channel: opts.channel ?? 'web',
          media: opts.media ?? 'chat',
          entryPoint: opts.entryPoint ?? null,
          // A designation names an agent of this organisation, or nothing (never a foreign id).
          designatedAgentId: opts.designatedAgentId ? await AgentStore.idInOrg(tx, p.orgId, opts.designatedAgentId) : null,
        });
        const at = { orgId: p.orgId, conversationId: c.id, now };
        await recordTimeline(tx, fx, at, { type: 'conversation.created' }, p.visitorId);
        assertTransition(c.status, 'queued');
        await ConversationStore.setStatus(tx, c.id, { status: 'queued', now });
        // conversation.queued is what routing listens to: it routes this arrival in its next pass.
        await recordTimeline(tx, fx, at, { type: 'conversation.queued', reason: 'waiting for an agent' });
        // Supervisors watching the organisation see the new waiting visitor at once.
        fx.inboxChanged(p.orgId, null, c.id);
        if (opts.pageUrl || opts.language) {
          await VisitorStore.touch(tx, p.visitorId, { pageUrl: opts.pageUrl ?? null, language: opts.language ?? null });
        }
        return c.id;
      }));
    return (await ConversationStore.summary(this.db, id, 'visitor'))!;
  }

  /**
   * Idempotent on (conversation, author side, clientMsgId): a resend answers the stored event.
   * Text messages are written in batches (message-writer.ts); files one by one.
   */
  async sendMessage(p: Principal, input: SendMessageInput): Promise<SequencedEvent> {
    const text = input.text.trim();
    if (!text && !input.blobId) throw new AppError('VALIDATION_FAILED', 'A message needs text or a file.');
    if (text.length > LIMITS.textMessageChars) throw new AppError('PAYLOAD_TOO_LARGE');
    const message = { conversationId: input.conversationId, clientMsgId: input.clientMsgId, text };
    return input.blobId ? this.writeOne(p, { ...message, blobId: input.blobId }) : this.writer.write(p, message);
  }

  /** One message in its own transaction: files, and what a batch leaves to it. `text` is trimmed. */
  private async writeOne(p: Principal, input: SendMessageInput): Promise<SequencedEvent> {
    const text = input.text;
    const authorKind = p.kind;
    return this.uow.run(async (tx, fx) => {
      const c = await lockWritable(tx, p, input.conversationId);
      const earlier = await EventStore.byClientMsgId(tx, c.id, authorKind, input.clientMsgId);
      if (earlier) return earlier;
      if (c.status === 'closed') throw new AppError('CONVERSATION_CLOSED');
      let attachment: Extract<TimelineEvent, { type: 'message' }>['attachment'] = null;
      if (input.blobId) {
        const b = await BlobMetaStore.attach(tx, input.blobId, this.clock.now());
        const uploader = p.kind === 'visitor' ? p.visitorId : p.agentId;
        if (!b || b.conversation_id !== c.id || b.uploader_id !== uploader) throw new AppError('NOT_FOUND', 'No such file.');
        if (b.deleted_at) throw new AppError('ATTACHMENT_EXPIRED');
        attachment = { blobId: b.id, name: b.name, mime: b.mime, size: b.size };
      }
      const author =
        p.kind === 'visitor'
          ? { kind: 'visitor' as const, id: p.visitorId, name: (await VisitorStore.byId(tx, p.visitorId))?.name ?? null }
          : { kind: 'agent' as const, id: p.agentId, name: p.name };
      const e = await recordTimeline(
        tx,
        fx,
        { orgId: c.org_id, conversationId: c.id, now: this.clock.now() },
        {
          type: 'message',
          messageId: `${c.id}:${c.last_seq + 1}`,
          clientMsgId: input.clientMsgId,
          author,
          kind: attachment ? (attachment.mime.startsWith('image/') ? 'image' : 'file') : 'text',
          text,
          attachment,
        },
      );
      if (p.kind === 'visitor') fx.inboxChanged(c.org_id, c.agent_id, c.id);
      return e;
    });
  }

  /** Receipts only move forward; a receipt that would not move is accepted and ignored. */
  async markReceipt(p: Principal, conversationId: string, state: 'delivered' | 'read', upToSeq: number) {
    const reader = p.kind;
    await this.uow.run(async (tx, fx) => {
      const c = await ConversationStore.lock(tx, conversationId);
      if (!c) throw new AppError('NOT_FOUND', 'No such conversation.');
      await readableConversation(tx, p, conversationId);
      if (p.kind === 'agent' && c.agent_id !== p.agentId) return; // supervisors reading do not mark
      const moved = await ConversationStore.advanceReceipt(tx, c.id, reader, state, upToSeq);
      if (state === 'read') await ConversationStore.advanceReceipt(tx, c.id, reader, 'delivered', upToSeq);
      if (!moved) return;
      const at = { orgId: c.org_id, conversationId: c.id, now: this.clock.now() };
      await recordTimeline(tx, fx, at, { type: 'receipt', by: reader, state, upToSeq });
      if (p.kind === 'agent') fx.inboxChanged(c.org_id, c.agent_id, c.id);
    });
  }

  async setTyping(p: Principal, conversationId: string, typing: boolean): Promise<void> {
    const c = await readableConversation(this.db, p, conversationId);
    if (c.status === 'closed') return;
    await this.bus.publish('conversation.typing', { orgId: c.org_id, conversationId, by: p.kind, typing });
  }

  async close(p: Principal, conversationId: string): Promise<void> {
    await this.closeAs(p, conversationId, p.kind === 'visitor' ? 'visitor' : 'agent');
  }

  /** Closing frees the agent's capacity and asks routing to refill it (through the outbox). */
  async closeAs(p: Principal | null, conversationId: string, by: 'visitor' | 'agent' | 'inactivity') {
    await this.uow.run(async (tx, fx) => {
      const c = p ? await lockWritable(tx, p, conversationId) : await ConversationStore.lock(tx, conversationId);
      if (!c) throw new AppError('NOT_FOUND', 'No such conversation.');
      if (c.status === 'closed') throw new AppError('CONVERSATION_CLOSED');
      const now = this.clock.now();
      await ConversationStore.setStatus(tx, c.id, { status: 'closed', now, closedBy: by });
      await recordTimeline(tx, fx, { orgId: c.org_id, conversationId: c.id, now }, { type: 'conversation.closed', by });
      await releaseConversation(tx, fx, c, now, { wrapUp: true });
      const call = await CallStore.liveFor(tx, c.id);
      if (call) {
        await Commands.send(tx, c.org_id, 'call.end', { orgId: c.org_id, callId: call.id, reason: 'conversation_closed' });
      }
      fx.inboxChanged(c.org_id, c.agent_id, c.id);
    });
  }

  async submitCsat(p: Principal, conversationId: string, score: number, comment: string): Promise<void> {
    if (p.kind !== 'visitor') throw new AppError('FORBIDDEN', 'Only the visitor rates a conversation.');
    await this.uow.run(async (tx, fx) => {
      const c = await lockWritable(tx, p, conversationId);
      if (c.status !== 'closed') throw new AppError('CONVERSATION_NOT_CLOSED');
      if (c.csat_score !== null) throw new AppError('CSAT_ALREADY_SUBMITTED');
      await ConversationStore.setCsat(tx, c.id, score, comment.trim());
      const at = { orgId: c.org_id, conversationId: c.id, now: this.clock.now() };
      await recordTimeline(tx, fx, at, { type: 'csat.submitted', score, comment: comment.trim() });
      fx.inboxChanged(c.org_id, c.agent_id, c.id);
    });
  }

  async eventsAfter(p: Principal, conversationId: string, afterSeq: number, limit: number = LIMITS.eventsPageSize) {
    await readableConversation(this.db, p, conversationId);
    return EventStore.after(this.db, conversationId, afterSeq, Math.min(limit, LIMITS.eventsPageSize));
  }

  /** The visitor a conversation belongs to; NOT_FOUND unless the principal may read it. */
  async readableVisitorId(p: Principal, conversationId: string): Promise<string> {
    return (await readableConversation(this.db, p, conversationId)).visitor_id;
  }

  /** The visitor a conversation belongs to, unchecked (for routing pushes, never shown to a client). */
  async visitorIdOf(conversationId: string): Promise<string | null> {
    return (await ConversationStore.byId(this.db, conversationId))?.visitor_id ?? null;
  }
}

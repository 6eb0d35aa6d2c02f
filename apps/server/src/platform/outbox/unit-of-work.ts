import type { SequencedEvent } from '@visavis/protocol';
import type { Database, SqlExecutor } from '../../ports/database.js';
import type { BusTopic, BusTopics, EventBus } from '../../ports/event-bus.js';
import { ConversationStore } from '../../conversations/index.js';

/** What a transaction wants published once it has committed (never before: no phantom pushes). */
export class Effects {
  readonly events: (SequencedEvent & { orgId: string })[] = [];
  /** agentId null: nobody holds the conversation (queued, offered); only supervisors hear of it. */
  readonly inbox: { orgId: string; agentId: string | null; conversationId: string }[] = [];
  /** Pushes to publish after commit; a function is read then (data outside the transaction). */
  readonly pushes: { topic: BusTopic; payload: () => Promise<unknown> }[] = [];

  /**
   * A push on the bus once the transaction committed: what one socket must hear at once (an
   * offer ringing for an agent). A hint, as every push: the fact is in the database (and, when
   * another module listens, in the outbox), and the client re-reads on reconnect.
   */
  push<T extends BusTopic>(topic: T, payload: BusTopics[T] | (() => Promise<BusTopics[T] | null>)): void {
    this.pushes.push({ topic, payload: typeof payload === 'function' ? payload : async () => payload });
  }

  event(orgId: string, e: SequencedEvent): SequencedEvent {
    this.events.push({ ...e, orgId });
    return e;
  }
  inboxChanged(orgId: string, agentId: string | null, conversationId: string): void {
    const same = (i: { agentId: string | null; conversationId: string }) => i.conversationId === conversationId;
    // Supervisors receive every agent's inbox push, so an unowned entry adds nothing next to an
    // owned one for the same conversation; duplicates in one transaction are pushed once.
    if (this.inbox.some((i) => same(i) && (i.agentId === agentId || (agentId === null && i.agentId !== null)))) return;
    if (agentId !== null) {
      const unowned = this.inbox.findIndex((i) => same(i) && i.agentId === null);
      if (unowned >= 0) this.inbox.splice(unowned, 1);
    }
    this.inbox.push({ orgId, agentId, conversationId });
  }
}

/**
 * Runs a use case in one transaction and then publishes its effects on the bus. Domain events
 * and commands written in it (events.ts, commands.ts) wake their dispatchers by themselves
 * (DispatchingDatabase). Realtime pushes
 * are best-effort by design: the events are durable rows, and clients resume from their last
 * seq, so a push lost to a crash is recovered on the next event or reconnect.
 */
export class UnitOfWork {
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
  ) {}

  async run<T>(fn: (tx: SqlExecutor, fx: Effects) => Promise<T>): Promise<T> {
    const fx = new Effects();
    const result = await this.db.transaction((tx) => fn(tx, fx));
    for (const e of fx.events) await this.bus.publish('conversation.event', e);
    // One read for every inbox entry of the transaction (a batch of messages touches many).
    const summaries = new Map(
      (await ConversationStore.summaries(this.db, [...new Set(fx.inbox.map((i) => i.conversationId))], 'agent')).map((s) => [s.id, s]),
    );
    for (const i of fx.inbox) {
      const conversation = summaries.get(i.conversationId);
      if (conversation) await this.bus.publish('inbox.updated', { orgId: i.orgId, agentId: i.agentId, conversation });
    }
    for (const p of fx.pushes) {
      const payload = await p.payload();
      if (payload !== null) await this.bus.publish(p.topic, payload as never);
    }
    return result;
  }
}

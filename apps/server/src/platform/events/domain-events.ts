import { randomUUID } from 'node:crypto';
import { isDomainEventType, type DomainEvent, type DomainEventData, type DomainEventType } from '@visavis/protocol';
import type { SqlExecutor } from '../../ports/database.js';
import { DurableQueue, topicWanted } from '../outbox/durable-queue.js';

export const eventQueue = new DurableQueue('outbox', false);

/**
 * Emits a domain event inside the transaction that makes the change: the outbox row commits or
 * rolls back with it, and listeners hear of it only after the commit, at least once (dedupe on
 * `id`). The one way a module tells the others that something happened.
 */
export async function emit<T extends DomainEventType>(
  tx: SqlExecutor, orgId: string, type: T, data: DomainEventData[T], at: Date = new Date(),
): Promise<DomainEvent<T>> {
  return (await emitFact(tx, orgId, { type, data } as DomainFact, at)) as DomainEvent<T>;
}

/** A domain event's type and data, before it gets its envelope. */
export type DomainFact = { [K in DomainEventType]: { type: K; data: DomainEventData[K] } }[DomainEventType];

/** `emit` for a fact whose type is only known at run time (e.g. derived from a timeline entry). */
export async function emitFact(tx: SqlExecutor, orgId: string, fact: DomainFact, at: Date = new Date()): Promise<DomainEvent> {
  const event = { id: randomUUID(), type: fact.type, orgId, at: at.toISOString(), data: fact.data } as DomainEvent;
  // A fact nobody listens to (a chat message, before webhooks and reports) is not written.
  if (topicWanted(tx, fact.type)) await eventQueue.add(tx, orgId, fact.type, event);
  return event;
}

/**
 * `emitFact` for several facts of one transaction (a batch of chat messages): one insert for all
 * the wanted ones, in the order given.
 */
export async function emitFacts(
  tx: SqlExecutor, facts: readonly { orgId: string; fact: DomainFact; at: Date }[],
): Promise<DomainEvent[]> {
  const events = facts.map(
    ({ orgId, fact, at }) => ({ id: randomUUID(), type: fact.type, orgId, at: at.toISOString(), data: fact.data }) as DomainEvent,
  );
  await eventQueue.addMany(
    tx,
    events.filter((e) => topicWanted(tx, e.type)).map((e) => ({ orgId: e.orgId, topic: e.type, payload: e })),
  );
  return events;
}

type Listener<T extends DomainEventType> = (event: DomainEvent<T>) => Promise<void>;

/**
 * Who listens to which event: each module registers its own listeners at start-up (routing on
 * `conversation.queued`, ...); the platform only delivers. Every listener of an event runs even
 * when one fails; the failure makes the row come back later, so listeners are idempotent.
 */
export class EventListeners {
  private readonly byType = new Map<DomainEventType, { name: string; fn: Listener<DomainEventType> }[]>();

  on<T extends DomainEventType>(type: T, name: string, fn: Listener<T>): void {
    const list = this.byType.get(type) ?? [];
    if (list.some((l) => l.name === name)) throw new Error(`listener ${name} already registered for ${type}`);
    list.push({ name, fn: fn as Listener<DomainEventType> });
    this.byType.set(type, list);
  }

  has(type: string): boolean {
    return (this.byType.get(type as DomainEventType)?.length ?? 0) > 0;
  }

  /** Names of the listeners of each event type (the architecture doc's catalogue is checked against it). */
  catalogue(): Record<string, string[]> {
    return Object.fromEntries([...this.byType].map(([type, list]) => [type, list.map((l) => l.name)]));
  }

  /** Runs every listener of the event's type; throws after all ran if any failed. */
  async deliver(payload: unknown): Promise<void> {
    const event = payload as DomainEvent;
    if (!event || typeof event !== 'object' || !isDomainEventType(event.type)) throw new Error('not a domain event');
    const failures: string[] = [];
    for (const l of this.byType.get(event.type) ?? []) {
      try {
        await l.fn(event);
      } catch (e) {
        failures.push(`${l.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (failures.length > 0) throw new Error(`${event.type} ${event.id} listeners failed: ${failures.join('; ')}`);
  }
}

import type { BusTopic, BusTopics, EventBus, PublishOptions } from '../../ports/event-bus.js';

export class EventBusClosedError extends Error {
  constructor() {
    super('event bus is closed');
    this.name = 'EventBusClosedError';
  }
}

export interface MemoryEventBusOptions {
  /** How many delivered ids (per topic and id) are remembered to drop repeats; default 10,000. */
  dedupeWindow?: number;
  /** How long `close()` waits for handler promises still running; default 5 s. */
  closeTimeoutMs?: number;
}

type Handler = (p: unknown) => unknown;
interface Delivery { topic: BusTopic; payload: unknown; done: () => void }

/**
 * In-process EventBus for a single node; keeps the contract in `ports/event-bus.ts`. Delivery is
 * synchronous in publish order: a publish made while handlers run (a handler publishing) is
 * queued behind the current event, so every handler sees the same order. A failing handler is
 * isolated so it cannot stop the others (its error, or its promise's rejection, is reported).
 */
export class MemoryEventBus implements EventBus {
  private readonly handlers = new Map<BusTopic, Set<{ handler: Handler }>>();
  private readonly seen = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly queue: Delivery[] = [];
  private delivering = false;
  private closed = false;
  private readonly dedupeWindow: number;
  private readonly closeTimeoutMs: number;

  constructor(
    private readonly onHandlerError: (e: unknown) => void = () => {},
    opts: MemoryEventBusOptions = {},
  ) {
    this.dedupeWindow = opts.dedupeWindow ?? 10_000;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 5_000;
  }

  async publish<T extends BusTopic>(topic: T, payload: BusTopics[T], opts?: PublishOptions): Promise<void> {
    if (this.closed) return;
    if (opts?.id !== undefined && this.alreadySeen(`${topic}\u0000${opts.id}`)) return;
    // Handlers get their own copy, as they would after a trip through Redis.
    const copy: unknown = structuredClone(payload);
    await new Promise<void>((done) => {
      this.queue.push({ topic, payload: copy, done });
      if (!this.delivering) this.drainQueue();
    });
  }

  subscribe<T extends BusTopic>(topic: T, handler: (payload: BusTopics[T]) => void): () => void {
    if (this.closed) throw new EventBusClosedError();
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    // One entry per subscription, so the same function subscribed twice is two subscriptions.
    const entry = { handler: handler as Handler };
    set.add(entry);
    return () => void set.delete(entry);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    for (const d of this.queue.splice(0)) d.done();
    if (this.pending.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs))),
    ]);
    clearTimeout(timer);
  }

  private drainQueue(): void {
    this.delivering = true;
    try {
      for (let d = this.queue.shift(); d; d = this.queue.shift()) {
        // Those subscribed when the event is delivered, minus any a handler unsubscribes meanwhile.
        const set = this.handlers.get(d.topic);
        for (const entry of [...(set ?? [])]) if (set?.has(entry)) this.deliver(entry.handler, d.payload);
        d.done();
      }
    } finally {
      this.delivering = false;
    }
  }

  private deliver(handler: Handler, payload: unknown): void {
    try {
      const result = handler(payload);
      if (result instanceof Promise) {
        const settled: Promise<unknown> = result.catch((e: unknown) => this.onHandlerError(e)).finally(() => this.pending.delete(settled));
        this.pending.add(settled);
      }
    } catch (e) {
      this.onHandlerError(e);
    }
  }

  private alreadySeen(key: string): boolean {
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    if (this.seen.size > this.dedupeWindow) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return false;
  }
}

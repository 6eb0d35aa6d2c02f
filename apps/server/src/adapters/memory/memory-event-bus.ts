import type { BusTopic, BusTopics, EventBus } from '../../ports/event-bus.js';

/**
 * In-process EventBus for a single node. Delivery is synchronous in publish order, and a
 * failing handler is isolated so it cannot stop the others (its error is reported).
 */
export class MemoryEventBus implements EventBus {
  private readonly handlers = new Map<BusTopic, Set<(p: never) => void>>();

  constructor(private readonly onHandlerError: (e: unknown) => void = () => {}) {}

  async publish<T extends BusTopic>(topic: T, payload: BusTopics[T]): Promise<void> {
    // Handlers get their own copy, as they would after a trip through Redis.
    const copy = structuredClone(payload);
    for (const h of this.handlers.get(topic) ?? []) {
      try {
        (h as (p: BusTopics[T]) => void)(copy);
      } catch (e) {
        this.onHandlerError(e);
      }
    }
  }

  subscribe<T extends BusTopic>(topic: T, handler: (payload: BusTopics[T]) => void): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler as (p: never) => void);
    return () => set.delete(handler as (p: never) => void);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/**
 * A set of listeners for one typed event union. A throwing listener is reported and cannot stop
 * the others, nor the adapter code that emits (which is usually in the middle of a socket read).
 *
 * With `holdUntilListened`, events emitted while nobody listens are kept (up to a bound) and
 * handed to the first listener. Janus sends a leg's first ICE candidates in the same socket read
 * as the reply that creates the leg, before its owner could possibly have subscribed.
 */
export class Listeners<E> {
  private readonly set = new Set<(event: E) => void>();
  private held: E[] | null;

  constructor(
    private readonly onListenerError: (e: unknown) => void = () => {},
    opts: { holdUntilListened?: boolean } = {},
  ) {
    this.held = opts.holdUntilListened ? [] : null;
  }

  add(listener: (event: E) => void): () => void {
    this.set.add(listener);
    const held = this.held;
    if (held && held.length > 0) {
      this.held = [];
      for (const e of held) this.call(listener, e);
    }
    return () => this.set.delete(listener);
  }

  emit(event: E): void {
    if (this.set.size === 0) {
      if (this.held && this.held.length < 200) this.held.push(event);
      return;
    }
    for (const l of [...this.set]) this.call(l, event);
  }

  clear(): void {
    this.set.clear();
    this.held = this.held ? [] : null;
  }

  private call(listener: (event: E) => void, event: E): void {
    try {
      listener(event);
    } catch (e) {
      this.onListenerError(e);
    }
  }
}

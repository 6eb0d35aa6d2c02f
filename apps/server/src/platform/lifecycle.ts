/** One part of the running server: started in registration order, stopped in reverse. */
export interface LifecyclePart {
  name: string;
  start?: () => void | Promise<void>;
  stop?: () => void | Promise<void>;
}

/**
 * The server's one lifecycle. Parts are registered as they are built (the database first, the
 * jobs last); `startAll` starts them in that order, `stopAll` stops them in reverse, so nothing
 * is stopped while something registered after it still uses it. A failing stop is reported and
 * the others still stop; a failing start stops what had started, in reverse, and rethrows.
 */
export class Lifecycle {
  private readonly parts: LifecyclePart[] = [];
  private started = 0;
  private stopping: Promise<void> | null = null;

  constructor(private readonly onError: (e: unknown, part: string) => void) {}

  add(part: LifecyclePart): void {
    if (this.stopping) throw new Error(`cannot add ${part.name}: the server is stopping`);
    this.parts.push(part);
  }

  /** Starts every part not started yet, in registration order. */
  async startAll(): Promise<void> {
    for (; this.started < this.parts.length; this.started++) {
      const part = this.parts[this.started]!;
      try {
        await part.start?.();
      } catch (e) {
        await this.stopAll();
        throw e;
      }
    }
  }

  /** Stops every part in reverse registration order (started or only built); runs once. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const part of [...this.parts].reverse()) {
        try {
          await part.stop?.();
        } catch (e) {
          this.onError(e, part.name);
        }
      }
    })();
    return this.stopping;
  }

  /** Part names in start order (what `stopAll` walks backwards). */
  names(): string[] {
    return this.parts.map((p) => p.name);
  }
}

/** A periodic background task as a lifecycle part (the timer never holds the process open). */
export function every(name: string, ms: number, run: () => Promise<unknown>, onError: (e: unknown, what: string) => void): LifecyclePart {
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    name,
    start: () => {
      timer = setInterval(() => void run().catch((e: unknown) => onError(e, name)), ms);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}

import { AppError } from './errors.js';

export interface LoadShedderOptions {
  /** A queue whose waits stay longer than this (ms) means the node is overloaded (LOAD_SHED_TARGET_MS). */
  targetDelayMs: number;
  /** How long the waits must stay above the target before commands are refused (ms). */
  intervalMs: number;
  /** Commands in progress on the node at most, whatever the delays (LOAD_SHED_MAX_IN_FLIGHT). */
  maxInFlight: number;
}

export const DEFAULT_LOAD_SHEDDING: LoadShedderOptions = { targetDelayMs: 100, intervalMs: 100, maxInFlight: 4096 };

/** A queue that reported nothing for this long is taken as empty (nothing is waiting in it). */
const STALE_MS = 1_000;

/** The refusal a client may retry: nothing of the command was done. The hint is kept within 0.25–5 s. */
export function overloaded(waitMs: number): AppError {
  return new AppError('OVERLOADED', undefined, { retryAfterMs: retryHintMs(waitMs) });
}

const retryHintMs = (waitMs: number) => Math.round(Math.min(5_000, Math.max(250, waitMs)));

interface QueueState {
  /** Waits above the target reported in a row, and when the first of them was. */
  above: number;
  aboveSince: number;
  lastAt: number;
}

/**
 * Whether this node takes more work. Each queue where work waits reports how long a piece of work
 * waited when it starts (today the database pool: a transaction waiting for a connection; the chat
 * writer bounds its own queue, message-writer.ts). When a queue's waits have stayed above the target
 * for a whole interval, its queue is standing, not a burst passing through (the idea of CoDel):
 * new commands are refused at once with OVERLOADED and a retry hint, until that queue reports a
 * wait under the target or goes quiet. Refusing early keeps the latency of what is admitted near
 * the target, where an unbounded queue would make every request late and then time out.
 */
export class LoadShedder {
  private readonly queues = new Map<string, QueueState>();
  private lastDelayMs = 0;
  private inFlight = 0;
  private refusedCount = 0;

  constructor(
    private readonly opts: LoadShedderOptions = DEFAULT_LOAD_SHEDDING,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A piece of work started after waiting `delayMs` in the queue named `queue`; each queue is judged on its own. */
  observeDelay(queue: string, delayMs: number): void {
    const now = this.now();
    const q = this.queues.get(queue) ?? { above: 0, aboveSince: now, lastAt: now };
    if (delayMs > this.opts.targetDelayMs) {
      if (q.above === 0) q.aboveSince = now;
      q.above++;
      this.lastDelayMs = delayMs;
    } else {
      q.above = 0;
    }
    q.lastAt = now;
    this.queues.set(queue, q);
  }

  /** Counts a command in; false (and nothing counted) when the node is shedding load. */
  tryEnter(): boolean {
    if (this.isShedding() || this.inFlight >= this.opts.maxInFlight) {
      this.refusedCount++;
      return false;
    }
    this.inFlight++;
    return true;
  }

  leave(): void {
    this.inFlight--;
  }

  /** How long a refused client should wait: about the queue it would have joined, within bounds. */
  retryAfterMs(): number {
    return retryHintMs(this.lastDelayMs * 2);
  }

  state(): { shedding: boolean; inFlight: number; refused: number; lastDelayMs: number } {
    return { shedding: this.isShedding(), inFlight: this.inFlight, refused: this.refusedCount, lastDelayMs: this.lastDelayMs };
  }

  /** A queue stands when at least two waits in a row, spanning an interval, were above the target, and it is not quiet since. */
  private isShedding(): boolean {
    const now = this.now();
    for (const q of this.queues.values()) {
      if (q.above >= 2 && q.lastAt - q.aboveSince >= this.opts.intervalMs && now - q.lastAt <= STALE_MS) return true;
    }
    return false;
  }
}

import { AppError } from './errors.js';

export interface LoadShedderOptions {
  /** A standing queue longer than this (ms) means the node is overloaded (LOAD_SHED_TARGET_MS). */
  targetDelayMs: number;
  /** The window over which the shortest wait is taken (ms). */
  intervalMs: number;
  /** Commands in progress on the node at most, whatever the delays (LOAD_SHED_MAX_IN_FLIGHT). */
  maxInFlight: number;
}

export const DEFAULT_LOAD_SHEDDING: LoadShedderOptions = { targetDelayMs: 100, intervalMs: 100, maxInFlight: 4096 };

/** The refusal a client may retry: nothing of the command was done. */
export function overloaded(retryAfterMs: number): AppError {
  return new AppError('OVERLOADED', undefined, { retryAfterMs });
}

/**
 * Whether this node takes more work. Work that waits for the database (a transaction waiting for a
 * connection, a chat message waiting for its batch) reports how long it waited when it starts.
 * If even the shortest wait seen during a whole interval was above the target, the queue is
 * standing, not a burst passing through (the idea of CoDel): new commands are refused at once
 * with OVERLOADED and a retry hint, until an interval passes whose shortest wait is under the
 * target or in which nothing waited at all. Refusing early keeps the latency of what is admitted
 * near the target, where an unbounded queue would make every request late and then time out.
 */
export class LoadShedder {
  private windowEnds = 0;
  private windowMin = Infinity;
  private shedding = false;
  private lastDelayMs = 0;
  private inFlight = 0;
  private refusedCount = 0;

  constructor(
    private readonly opts: LoadShedderOptions = DEFAULT_LOAD_SHEDDING,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A piece of work started after waiting `delayMs` in a queue. */
  observeDelay(delayMs: number): void {
    this.roll();
    this.lastDelayMs = delayMs;
    if (delayMs < this.windowMin) this.windowMin = delayMs;
  }

  /** Counts a command in; false (and nothing counted) when the node is shedding load. */
  tryEnter(): boolean {
    this.roll();
    if (this.shedding || this.inFlight >= this.opts.maxInFlight) {
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
    return Math.round(Math.min(5_000, Math.max(250, this.lastDelayMs * 2)));
  }

  state(): { shedding: boolean; inFlight: number; refused: number; lastDelayMs: number } {
    this.roll();
    return { shedding: this.shedding, inFlight: this.inFlight, refused: this.refusedCount, lastDelayMs: this.lastDelayMs };
  }

  /** Closes the windows that have ended: a window in which nothing waited ends the shedding. */
  private roll(): void {
    const now = this.now();
    if (now < this.windowEnds) return;
    const missed = this.windowEnds > 0 && now >= this.windowEnds + this.opts.intervalMs;
    this.shedding = !missed && this.windowMin !== Infinity && this.windowMin > this.opts.targetDelayMs;
    this.windowMin = Infinity;
    this.windowEnds = now + this.opts.intervalMs;
  }
}

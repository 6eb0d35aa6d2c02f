import type { Database } from '../../ports/database.js';
import type { Clock } from '../../ports/clock.js';
import type { DurableQueue } from './durable-queue.js';

/** Rows claimed at a time. */
const BATCH = 50;

/** What to do with one row's topic and payload; a throw makes the row come back later. */
export type RowHandler = (topic: string, payload: unknown) => Promise<void>;

/**
 * Delivers the rows of one durable queue (domain events, or commands) at least once. Kicked right
 * after a commit that wrote rows (so routing reacts in milliseconds), plus a slow safety-net tick
 * for rows left by a crash. Failed rows are retried with back-off; handlers must be idempotent
 * (routing is: it re-checks in SQL).
 */
export class OutboxDispatcher {
  private running = false;
  private again = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private wake: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly queue: DurableQueue,
    private readonly handle: RowHandler,
    private readonly onError: (e: unknown, topic: string) => void,
  ) {}

  /** `keepDeliveredMs`: how long delivered rows stay for inspection before the tick deletes them. */
  start(safetyNetMs = 5000, keepDeliveredMs = 3_600_000): void {
    this.timer = setInterval(() => {
      this.kick();
      void this.purge(keepDeliveredMs);
    }, safetyNetMs);
    this.timer.unref();
    this.kick();
  }

  /**
   * No new pass or wake-up after this; resolves once the pass in flight (if any) has finished, so
   * the database can be closed behind it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.wake);
    await this.inFlight;
  }

  /** Runs a dispatch pass now, or right after the one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.inFlight = this.pass()
      .then((failed) => (failed > 0 || this.queue.scheduled ? this.scheduleWake() : undefined))
      .finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Scheduled rows (offer timeouts, wait windows) wake the dispatcher when they fall due. */
  private async scheduleWake(): Promise<void> {
    let at: Date | null;
    try {
      at = await this.queue.nextDueAt(this.db);
    } catch (e) {
      this.onError(e, 'next due');
      return;
    }
    clearTimeout(this.wake);
    if (!at || this.stopped) return;
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    if (delay > 60_000) return; // the safety-net tick covers far-away rows
    this.wake = setTimeout(() => this.kick(), delay + 5);
    this.wake.unref();
  }

  /** Dispatches until nothing is due; answers how many rows were handled. Also used by tests. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const n = await this.batch();
      handled += n.handled;
      if (n.handled === 0) return handled;
    }
  }

  /**
   * One kick's work: batches until a claim comes back short (no more rows were due when it ran;
   * a row committed since kicks again), so a commit that wrote one event costs one claim and one
   * mark. Answers how many rows failed (their retry time is then worth waking for).
   */
  private async pass(): Promise<number> {
    let failed = 0;
    for (;;) {
      const n = await this.batch();
      failed += n.failed;
      if (n.handled < BATCH) return failed;
    }
  }

  private async batch(): Promise<{ handled: number; failed: number }> {
    let rows;
    try {
      // +1 ms: the database keeps microseconds, so a row written this millisecond is due too.
      rows = await this.queue.claim(this.db, new Date(this.clock.now().getTime() + 1), BATCH, 30_000);
    } catch (e) {
      this.onError(e, 'claim');
      return { handled: 0, failed: 0 };
    }
    // Marked delivered once per batch: a crash before the mark delivers the batch again, which
    // at-least-once allows (listeners dedupe on the event id, handlers are idempotent).
    const delivered: number[] = [];
    let failed = 0;
    for (const row of rows) {
      try {
        await this.handle(row.topic, row.payload);
        delivered.push(row.id);
      } catch (e) {
        failed++;
        this.onError(e, row.topic);
        const backoff = Math.min(60_000, 500 * 2 ** row.attempts);
        await this.queue.failed(this.db, row.id, String(e), new Date(this.clock.now().getTime() + backoff)).catch(() => {});
      }
    }
    try {
      await this.queue.done(this.db, delivered, this.clock.now());
    } catch (e) {
      this.onError(e, 'mark delivered');
      return { handled: 0, failed: failed + delivered.length };
    }
    return { handled: rows.length, failed };
  }

  /** Deletes rows delivered longer ago than `keepMs` (one bounded batch per safety-net tick). */
  private async purge(keepMs: number): Promise<void> {
    try {
      await this.queue.purgeDelivered(this.db, new Date(this.clock.now().getTime() - keepMs), 5_000);
    } catch (e) {
      this.onError(e, 'purge delivered');
    }
  }
}

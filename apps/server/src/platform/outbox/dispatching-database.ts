import type { Database, SqlExecutor } from '../../ports/database.js';
import { queuesWrittenIn, setWantedTopics, type QueueTable } from './durable-queue.js';

/**
 * The database every module uses: after a transaction that wrote an event or a command commits,
 * the dispatchers are woken at once (routing reacts in milliseconds), without anyone setting a
 * flag by hand. Queues are written only inside transactions.
 * The slow tick stays as a safety net.
 */
export class DispatchingDatabase implements Database {
  private wake: (tables: ReadonlySet<QueueTable>) => void = () => {};
  private wanted: ((topic: string) => boolean) | null = null;

  constructor(
    private readonly inner: Database,
    /** Told how long each transaction waited for its connection (PostgreSQL pool, PGlite's one). */
    private readonly load: { observeDelay(queue: string, ms: number): void } | null = null,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  /** Set once the dispatchers exist (they need the database first). */
  onQueueWritten(wake: (tables: ReadonlySet<QueueTable>) => void): void {
    this.wake = wake;
  }

  /**
   * Domain events of the topics this says nobody listens to are not written at all: no reader
   * would ever see the row, and a chat message would pay an insert for it (webhooks and reports
   * subscribe when they exist). Unset: every event is written.
   */
  writeEventsOnlyFor(wanted: (topic: string) => boolean): void {
    this.wanted = wanted;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.inner.query<T>(sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let written: ReadonlySet<QueueTable> = new Set();
    const asked = performance.now();
    const result = await this.inner.transaction(async (tx) => {
      this.load?.observeDelay('database connections', performance.now() - asked);
      if (this.wanted) setWantedTopics(tx, this.wanted);
      const r = await fn(tx);
      written = queuesWrittenIn(tx);
      return r;
    });
    if (written.size > 0) this.wake(written);
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

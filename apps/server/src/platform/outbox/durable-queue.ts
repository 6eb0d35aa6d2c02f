import type { SqlExecutor } from '../../ports/database.js';

/**
 * The two durable queues written inside a use case's transaction and delivered after it commits,
 * at least once: `outbox` holds domain events (facts, `entity.past_tense`), `commands` holds
 * requests to do something and timers (`call.end`, `routing.recheck` at a time). Same shape,
 * different meaning: a listener may ignore an event, a command has exactly one handler.
 */
export type QueueTable = 'outbox' | 'commands';

export interface QueueRow {
  id: number;
  topic: string;
  payload: unknown;
  attempts: number;
}

/**
 * Transactions that wrote a row, so the database wrapper can wake the dispatchers right after
 * they commit (nobody sets a flag by hand). Keyed weakly by the transaction's executor.
 */
const wroteIn = new WeakMap<SqlExecutor, Set<QueueTable>>();

export function queuesWrittenIn(tx: SqlExecutor): ReadonlySet<QueueTable> {
  return wroteIn.get(tx) ?? new Set();
}

/** Which topics a transaction's database has someone to deliver to (DispatchingDatabase says). */
const wantedIn = new WeakMap<SqlExecutor, (topic: string) => boolean>();

export function setWantedTopics(tx: SqlExecutor, wanted: (topic: string) => boolean): void {
  wantedIn.set(tx, wanted);
}

/** False only when the transaction's database knows nobody listens to `topic`; otherwise true. */
export function topicWanted(tx: SqlExecutor, topic: string): boolean {
  return wantedIn.get(tx)?.(topic) ?? true;
}

export class DurableQueue {
  constructor(
    readonly table: QueueTable,
    /**
     * Rows may be written due later (timers): the dispatcher then looks up when the next one falls
     * due after every pass. Domain events are due when written; only their retries wait.
     */
    readonly scheduled: boolean,
  ) {}

  async add(tx: SqlExecutor, orgId: string | null, topic: string, payload: unknown, availableAt?: Date): Promise<void> {
    await tx.query(
      `insert into ${this.table} (org_id, topic, payload, available_at) values ($1, $2, $3, coalesce($4::timestamptz, now()))`,
      [orgId, topic, JSON.stringify(payload), availableAt?.toISOString() ?? null],
    );
    this.markWritten(tx);
  }

  /** Several rows due now in one statement (a batch of chat messages' facts): the order is kept. */
  async addMany(tx: SqlExecutor, rows: readonly { orgId: string | null; topic: string; payload: unknown }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `insert into ${this.table} (org_id, topic, payload, available_at)
       select o, t, p::jsonb, now() from unnest($1::uuid[], $2::text[], $3::text[]) with ordinality as r(o, t, p, n) order by n`,
      [rows.map((r) => r.orgId), rows.map((r) => r.topic), rows.map((r) => JSON.stringify(r.payload))],
    );
    this.markWritten(tx);
  }

  private markWritten(tx: SqlExecutor): void {
    let written = wroteIn.get(tx);
    if (!written) wroteIn.set(tx, (written = new Set()));
    written.add(this.table);
  }

  /** When the next undelivered row becomes due, so the dispatcher can wake exactly then. */
  async nextDueAt(db: SqlExecutor): Promise<Date | null> {
    const [r] = await db.query<{ at: string | Date | null }>(`select min(available_at) as at from ${this.table} where dispatched_at is null`);
    return r?.at ? new Date(r.at) : null;
  }

  /**
   * Claims due rows for this dispatcher: they become invisible to others for `leaseMs`, so a
   * crashed dispatcher's rows come back. SKIP LOCKED lets several nodes dispatch side by side.
   */
  async claim(db: SqlExecutor, now: Date, limit: number, leaseMs: number): Promise<QueueRow[]> {
    return db.query<QueueRow>(
      // A CTE, not `id in (subquery)`: the planner may re-run an IN subquery, which with LIMIT and
      // SKIP LOCKED can lock rows it then does not update (or more than LIMIT).
      `with due as (select id from ${this.table} where dispatched_at is null and available_at <= $1
                    order by id limit $3 for update skip locked)
       update ${this.table} o set attempts = o.attempts + 1, available_at = $2
       from due where o.id = due.id
       returning o.id, o.topic, o.payload, o.attempts`,
      [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
    );
  }

  /** Marks delivered rows, one statement per claimed batch (a row per chat message adds up). */
  async done(db: SqlExecutor, ids: readonly number[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await db.query(`update ${this.table} set dispatched_at = $2 where id = any($1::bigint[])`, [ids, now.toISOString()]);
  }

  /**
   * Forgets rows delivered before `before`, oldest first, at most `limit` at a time: delivered rows
   * are only kept for a while to look into what happened, not as a history (the timeline, routing
   * log and audit log are the histories).
   */
  async purgeDelivered(db: SqlExecutor, before: Date, limit: number): Promise<number> {
    const rows = await db.query<{ id: number }>(
      `delete from ${this.table} where id in (select id from ${this.table} where dispatched_at < $1 order by id limit $2) returning id`,
      [before.toISOString(), limit],
    );
    return rows.length;
  }

  async failed(db: SqlExecutor, id: number, error: string, retryAt: Date): Promise<void> {
    await db.query(`update ${this.table} set last_error = $2, available_at = $3 where id = $1`, [id, error.slice(0, 1000), retryAt.toISOString()]);
  }

  async pending(db: SqlExecutor): Promise<number> {
    return (await db.query<{ n: number }>(`select count(*)::int as n from ${this.table} where dispatched_at is null`))[0]!.n;
  }
}

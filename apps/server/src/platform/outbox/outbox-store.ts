import type { SqlExecutor } from '../../ports/database.js';

export interface OutboxTopics {
  /** A conversation entered the queue and should be routed. */
  'routing.conversation_queued': { orgId: string; conversationId: string };
  /** An agent may have capacity now (came online, a conversation closed). */
  'routing.agent_available': { orgId: string; agentId: string };
  /** Routing configuration changed: route the whole queue again. */
  'routing.drain': { orgId: string };
  /** A ringing offer's time is up (scheduled at its expiry). */
  'routing.offer_timeout': { orgId: string; offerId: string };
  /** A waiting window or overflow of a queued conversation ends (scheduled). */
  'routing.recheck': { orgId: string; conversationId: string };
  /** A ringing call's time is up. */
  'call.ring_timeout': { orgId: string; callId: string };
  /** End a live call for a system reason (its conversation closed, ...). */
  'call.end': { orgId: string; callId: string; reason: 'conversation_closed' | 'peer_lost' | 'media_failed' | 'server_restart' };
  /** Finish a browser's chunked recording nobody finished (scheduled after the call's end). */
  'client_recording.finish': { orgId: string; callId: string; party: 'agent' | 'visitor' };
}
export type OutboxTopic = keyof OutboxTopics;

export interface OutboxRow {
  id: number;
  topic: OutboxTopic;
  payload: unknown;
  attempts: number;
}

export const OutboxStore = {
  /** Writes a side effect in the caller's transaction; `availableAt` schedules it for later. */
  async add<T extends OutboxTopic>(tx: SqlExecutor, orgId: string, topic: T, payload: OutboxTopics[T], availableAt?: Date) {
    await tx.query(
      'insert into outbox (org_id, topic, payload, available_at) values ($1, $2, $3, coalesce($4::timestamptz, now()))',
      [orgId, topic, JSON.stringify(payload), availableAt?.toISOString() ?? null],
    );
  },
  /** When the next undispatched row becomes due, so the dispatcher can wake exactly then. */
  async nextDueAt(db: SqlExecutor): Promise<Date | null> {
    const [r] = await db.query<{ at: string | Date | null }>('select min(available_at) as at from outbox where dispatched_at is null');
    return r?.at ? new Date(r.at) : null;
  },
  /**
   * Claims due rows for this dispatcher: they become invisible to others for `leaseMs`, so a
   * crashed dispatcher's rows come back. SKIP LOCKED lets several nodes dispatch side by side.
   */
  async claim(db: SqlExecutor, now: Date, limit: number, leaseMs: number): Promise<OutboxRow[]> {
    return db.query<OutboxRow>(
      // A CTE, not `id in (subquery)`: the planner may re-run an IN subquery, which with LIMIT and
      // SKIP LOCKED can lock rows it then does not update (or more than LIMIT).
      `with due as (select id from outbox where dispatched_at is null and available_at <= $1
                    order by id limit $3 for update skip locked)
       update outbox o set attempts = o.attempts + 1, available_at = $2
       from due where o.id = due.id
       returning o.id, o.topic, o.payload, o.attempts`,
      [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
    );
  },
  async done(db: SqlExecutor, id: number, now: Date): Promise<void> {
    await db.query('update outbox set dispatched_at = $2 where id = $1', [id, now.toISOString()]);
  },
  async failed(db: SqlExecutor, id: number, error: string, retryAt: Date): Promise<void> {
    await db.query('update outbox set last_error = $2, available_at = $3 where id = $1', [
      id,
      error.slice(0, 1000),
      retryAt.toISOString(),
    ]);
  },
  async pending(db: SqlExecutor): Promise<number> {
    return (await db.query<{ n: number }>('select count(*)::int as n from outbox where dispatched_at is null'))[0]!.n;
  },
};

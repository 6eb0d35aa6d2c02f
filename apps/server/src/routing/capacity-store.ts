import type { SqlExecutor } from '../ports/database.js';

export type LoadChange = 'offer' | 'assign' | 'release' | 'transfer-in' | 'transfer-out' | 'call-take';

export interface LoadRow {
  id: string;
  name: string;
  load: number;
  capacity: number;
}

/**
 * Agent load in weighted units. Every change is a conditional update checked in SQL, followed by
 * an append to routing_log in the same transaction while the agent row is still locked, so the
 * log replays each agent's load exactly (ids are in commit order per agent).
 */
export const CapacityStore = {
  /**
   * Takes `weight` units if the agent is online, out of wrap-up and has room at commit time,
   * whatever the snapshot said. This is what prevents over-assignment across nodes.
   */
  async take(
    tx: SqlExecutor,
    a: { orgId: string; agentId: string; conversationId: string; weight: number; now: Date; kind: LoadChange },
  ): Promise<LoadRow | undefined> {
    const [row] = await tx.query<LoadRow>(
      `update agents set load = load + $3, last_assigned_at = $4
       where id = $1 and org_id = $2 and presence = 'online'
         and (wrap_up_until is null or wrap_up_until <= $4) and load + $3 <= capacity
       returning id, name, load, capacity`,
      [a.agentId, a.orgId, a.weight, a.now.toISOString()],
    );
    if (row) await log(tx, a, a.weight, row);
    return row;
  },
  /**
   * Takes up to `weight` units, as many as are free, whatever the agent's state: a call in a
   * conversation the agent already holds counts more, but is not refused for lack of room.
   * Answers the units taken (0 when none are free).
   */
  async takeUpTo(
    tx: SqlExecutor,
    a: { orgId: string; agentId: string; conversationId: string; weight: number; now: Date; kind: LoadChange },
  ): Promise<number> {
    const [row] = await tx.query<LoadRow & { taken: number }>(
      `with old as (select load from agents where id = $1 and org_id = $2 for update)
       update agents set load = agents.load + least($3, greatest(agents.capacity - agents.load, 0))
       from old where agents.id = $1
       returning agents.id, agents.name, agents.load, agents.capacity, agents.load - old.load as taken`,
      [a.agentId, a.orgId, a.weight],
    );
    if (!row || row.taken <= 0) return 0;
    await log(tx, a, row.taken, row);
    return row.taken;
  },
  /** Gives units back (never below zero). */
  async release(
    tx: SqlExecutor,
    a: { orgId: string; agentId: string; conversationId: string; weight: number; now: Date; kind: LoadChange },
  ): Promise<LoadRow | undefined> {
    const [row] = await tx.query<LoadRow>(
      `update agents set load = greatest(load - $2, 0) where id = $1 returning id, name, load, capacity`,
      [a.agentId, a.weight],
    );
    if (row) await log(tx, a, -a.weight, row);
    return row;
  },
  /** Records a routing step that does not change load (decline, timeout, queue, transfer). */
  async note(
    tx: SqlExecutor,
    a: { orgId: string; agentId: string | null; conversationId: string; kind: string; now: Date; detail?: unknown },
  ): Promise<void> {
    await tx.query(
      `insert into routing_log (org_id, conversation_id, agent_id, kind, delta, detail, at) values ($1, $2, $3, $4, 0, $5, $6)`,
      [a.orgId, a.conversationId, a.agentId, a.kind, a.detail === undefined ? null : JSON.stringify(a.detail), a.now.toISOString()],
    );
  },
};

async function log(
  tx: SqlExecutor,
  a: { orgId: string; agentId: string; conversationId: string; now: Date; kind: LoadChange },
  delta: number,
  row: LoadRow,
): Promise<void> {
  await tx.query(
    `insert into routing_log (org_id, conversation_id, agent_id, kind, delta, load_after, capacity, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [a.orgId, a.conversationId, a.agentId, a.kind, delta, row.load, row.capacity, a.now.toISOString()],
  );
}

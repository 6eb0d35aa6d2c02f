import type { SqlExecutor } from '../ports/database.js';

/** What occupies an agent: a ringing offer, an assigned conversation, or a call's extra weight. */
export type HoldKind = 'offer' | 'conversation' | 'call';

/** Why a load changed, as the routing log says it. */
export type LoadChange = 'offer' | 'assign' | 'release' | 'transfer-in' | 'transfer-out' | 'call-take';

export interface LoadRow {
  id: string;
  name: string;
  load: number;
  capacity: number;
}

export interface HoldRequest {
  orgId: string;
  agentId: string;
  conversationId: string;
  /** Call holds only: one per call. */
  callId?: string | null;
  kind: HoldKind;
  weight: number;
  now: Date;
  /** What the routing log records. */
  reason: LoadChange;
}

export interface HoldKey {
  orgId: string;
  conversationId: string;
  kind: HoldKind;
  callId?: string | null;
  now: Date;
  reason: LoadChange;
}

const NO_CALL = '00000000-0000-0000-0000-000000000000';

/**
 * Agent capacity, with one owner. Everything that occupies an agent is a row in `load_holds`;
 * `agents.load` is the sum of the agent's holds, changed only here and in the same statement
 * as the hold, so "room left" stays one conditional row update (what prevents over-assignment
 * across nodes). Every change is appended to routing_log while the agent row is locked, so the
 * log replays each agent's load exactly (ids are in commit order per agent).
 */
export const Capacity = {
  /**
   * Holds `weight` units if the agent is online, out of wrap-up and has room at commit time,
   * whatever the snapshot said. Answers the agent's new load, or undefined (no room).
   */
  async hold(tx: SqlExecutor, h: HoldRequest): Promise<LoadRow | undefined> {
    const [row] = await tx.query<LoadRow>(
      `update agents set load = load + $3, last_assigned_at = $4
       where id = $1 and org_id = $2 and presence = 'online'
         and (wrap_up_until is null or wrap_up_until <= $4) and load + $3 <= capacity
       returning id, name, load, capacity`,
      [h.agentId, h.orgId, h.weight, h.now.toISOString()],
    );
    if (!row) return undefined;
    await insertHold(tx, h, h.weight);
    await log(tx, h, h.weight, row);
    return row;
  },

  /**
   * Holds up to `weight` units, as many as are free, whatever the agent's state: a call in a
   * conversation the agent already holds counts more, but is not refused for lack of room.
   * Answers the units held (0 when none are free: then no hold exists).
   */
  async holdUpTo(tx: SqlExecutor, h: HoldRequest): Promise<number> {
    const [row] = await tx.query<LoadRow & { taken: number }>(
      `with old as (select load from agents where id = $1 and org_id = $2 for update)
       update agents set load = agents.load + least($3, greatest(agents.capacity - agents.load, 0))
       from old where agents.id = $1
       returning agents.id, agents.name, agents.load, agents.capacity, agents.load - old.load as taken`,
      [h.agentId, h.orgId, h.weight],
    );
    if (!row || row.taken <= 0) return 0;
    await insertHold(tx, h, row.taken);
    await log(tx, h, row.taken, row);
    return row.taken;
  },

  /** Lets go of a hold; answers whose it was and how much, or null when there was none. */
  async release(tx: SqlExecutor, k: HoldKey): Promise<{ agentId: string; weight: number; row: LoadRow } | null> {
    const [hold] = await tx.query<{ agent_id: string; weight: number }>(
      `delete from load_holds where conversation_id = $1 and kind = $2 and coalesce(call_id, $3::uuid) = $4::uuid
       returning agent_id, weight`,
      [k.conversationId, k.kind, NO_CALL, k.callId ?? NO_CALL],
    );
    if (!hold) return null;
    const [row] = await tx.query<LoadRow>(
      `update agents set load = greatest(load - $2, 0) where id = $1 returning id, name, load, capacity`,
      [hold.agent_id, hold.weight],
    );
    if (row) await log(tx, { ...k, agentId: hold.agent_id }, -hold.weight, row);
    return row ? { agentId: hold.agent_id, weight: hold.weight, row } : null;
  },

  /** An accepted offer's hold becomes the conversation's: same agent, same units, no gap. */
  async offerAccepted(tx: SqlExecutor, conversationId: string): Promise<boolean> {
    const rows = await tx.query(
      `update load_holds set kind = 'conversation' where conversation_id = $1 and kind = 'offer' returning id`,
      [conversationId],
    );
    return rows.length > 0;
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

async function insertHold(tx: SqlExecutor, h: HoldRequest, weight: number): Promise<void> {
  await tx.query(
    `insert into load_holds (org_id, agent_id, conversation_id, call_id, kind, weight, created_at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [h.orgId, h.agentId, h.conversationId, h.callId ?? null, h.kind, weight, h.now.toISOString()],
  );
}

async function log(
  tx: SqlExecutor,
  a: { orgId: string; agentId: string; conversationId: string; now: Date; reason: LoadChange },
  delta: number,
  row: LoadRow,
): Promise<void> {
  await tx.query(
    `insert into routing_log (org_id, conversation_id, agent_id, kind, delta, load_after, capacity, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [a.orgId, a.conversationId, a.agentId, a.reason, delta, row.load, row.capacity, a.now.toISOString()],
  );
}

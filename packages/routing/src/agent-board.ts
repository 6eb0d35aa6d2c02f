// The agents' side of the routing snapshot, kept up to date piece by piece instead of being read
// whole for every decision. Plain data and no I/O, like the rest of the engine: the server feeds
// it what it read from the database (a full load, or one agent after an event) and what it
// decided itself (a hold it is about to apply). It is only ever a forecast: the server's apply
// transaction re-checks presence and room in SQL, so a stale board costs a refused apply and a
// second decision, never a wrong assignment.
import type { AgentSnapshot } from './types.js';

/** A token from beginReload(), handed back to finishReload() with what the load read. */
export type ReloadToken = number;

export class AgentBoard {
  private readonly byId = new Map<string, AgentSnapshot>();
  /** The agents as an array for decide(); rebuilt only when someone joins or leaves. */
  private ordered: AgentSnapshot[] | null = [];
  /**
   * A counter bumped by every change, and the value at each agent's last one: a full load that
   * started before an agent's change must not overwrite it with what it read earlier.
   */
  private clock = 0;
  private readonly changedAt = new Map<string, number>();
  private appliedReload = -1;

  /** Call before reading every agent; hand the token to finishReload with the rows read. */
  beginReload(): ReloadToken {
    return ++this.clock;
  }

  /**
   * Replaces the board with a full read, except agents changed since `token` was taken (their
   * newer state stays). A read older than one already applied is dropped.
   */
  finishReload(token: ReloadToken, rows: readonly AgentSnapshot[]): void {
    if (token < this.appliedReload) return;
    this.appliedReload = token;
    const newer = (id: string) => (this.changedAt.get(id) ?? 0) > token;
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      if (!newer(row.id)) this.store(row);
    }
    for (const id of [...this.byId.keys()]) {
      if (!seen.has(id) && !newer(id)) this.drop(id);
    }
    for (const [id, at] of this.changedAt) if (at <= token) this.changedAt.delete(id);
  }

  /** One agent as the database has it now (after an event about them, or a refused apply). */
  put(row: AgentSnapshot): void {
    this.store(row);
    this.touch(row.id);
  }

  /** The agent is gone (deleted, or no longer in the organisation). */
  remove(id: string): void {
    this.drop(id);
    this.touch(id);
  }

  /**
   * Counts `weight` units against the agent before the hold is applied, so the next decision of
   * the same pass already sees them. Answers false for an agent the board does not know.
   */
  reserve(id: string, weight: number, now: number): boolean {
    const a = this.byId.get(id);
    if (!a) return false;
    a.load += weight;
    a.lastAssignedAt = now;
    this.touch(id);
    return true;
  }

  /** The hold was not applied after all (the conversation had left the queue): give the units back. */
  unreserve(id: string, weight: number): void {
    const a = this.byId.get(id);
    if (!a) return;
    a.load = Math.max(0, a.load - weight);
    this.touch(id);
  }

  /** The database refused a hold: until the agent is read again, treat them as full. */
  refused(id: string): void {
    const a = this.byId.get(id);
    if (!a) return;
    a.load = Math.max(a.load, a.capacity);
    this.touch(id);
  }

  get(id: string): AgentSnapshot | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every agent, for decide(). The array is shared and replaced on change: do not modify it. */
  agents(): readonly AgentSnapshot[] {
    this.ordered ??= [...this.byId.values()];
    return this.ordered;
  }

  /**
   * Whether some online agent out of wrap-up has `weight` units free: a drain stops deciding
   * conversations already decided once nobody can take anything.
   */
  hasRoom(weight: number, now: number): boolean {
    for (const a of this.byId.values()) {
      if (a.state === 'online' && a.load + weight <= a.capacity && (a.wrapUpUntil === null || a.wrapUpUntil <= now)) return true;
    }
    return false;
  }

  // The board owns its agent objects (copies of what it is given) and changes them in place, so
  // the array handed to decide() stays valid until someone joins or leaves.
  private store(row: AgentSnapshot): void {
    const copy = { ...row, groups: [...row.groups] };
    const mine = this.byId.get(row.id);
    if (mine) Object.assign(mine, copy);
    else {
      this.byId.set(row.id, copy);
      this.ordered = null;
    }
  }

  private drop(id: string): void {
    if (this.byId.delete(id)) this.ordered = null;
  }

  private touch(id: string): void {
    this.changedAt.set(id, ++this.clock);
  }
}

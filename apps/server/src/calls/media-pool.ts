import {
  MediaServerError,
  type MediaNodeEvent,
  type MediaNodeLoad,
  type MediaServer,
} from '../ports/media-server.js';

/**
 * The list of media nodes and the choice of one per call. The choice is a pure function over a
 * snapshot (health + load) that answers a decision with its reason; the pool gathers the
 * snapshot, keeps health fresh with periodic pings, and hands out the chosen node. Once a call
 * has a room on a node, every later operation of that call goes to that node (`node(id)`).
 */
export interface MediaNodeSnapshot {
  nodeId: string;
  healthy: boolean;
  load: MediaNodeLoad;
  /** Most legs the node should carry; null = no limit. */
  maxLegs: number | null;
}

export type MediaNodeChoice =
  | { kind: 'node'; nodeId: string; reason: 'least_loaded' }
  | { kind: 'none'; reason: 'no_nodes' | 'none_healthy' | 'all_full' };

/** Legs of a 1:1 call: two publishers, each subscribed to by the other side. */
export const LEGS_PER_CALL = 4;

/**
 * Healthy nodes with room for `legsNeeded` more legs; the one with fewest legs wins, then fewest
 * rooms, then the earlier in the configured list (so a single-node setup is deterministic).
 */
export function chooseMediaNode(
  nodes: readonly MediaNodeSnapshot[],
  legsNeeded = LEGS_PER_CALL,
): MediaNodeChoice {
  if (nodes.length === 0) return { kind: 'none', reason: 'no_nodes' };
  const healthy = nodes.filter((n) => n.healthy);
  if (healthy.length === 0) return { kind: 'none', reason: 'none_healthy' };
  const fitting = healthy.filter((n) => n.maxLegs === null || n.load.legs + legsNeeded <= n.maxLegs);
  if (fitting.length === 0) return { kind: 'none', reason: 'all_full' };
  let best = fitting[0]!;
  for (const n of fitting.slice(1)) {
    if (n.load.legs < best.load.legs || (n.load.legs === best.load.legs && n.load.rooms < best.load.rooms))
      best = n;
  }
  return { kind: 'node', nodeId: best.nodeId, reason: 'least_loaded' };
}

export interface MediaPoolOptions {
  /** How often every node is pinged. */
  healthIntervalMs?: number;
  maxLegsPerNode?: number | null;
  /** Node events (lost / up), for logs and for ending or restoring the calls of a lost node. */
  onNodeEvent?: (event: MediaNodeEvent) => void;
  onError?: (e: unknown) => void;
}

export class MediaServerPool {
  private readonly healthy = new Map<string, boolean>();
  private readonly unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly members: readonly MediaServer[],
    private readonly opts: MediaPoolOptions = {},
  ) {
    const ids = new Set(members.map((m) => m.nodeId));
    if (ids.size !== members.length) throw new Error('media nodes need distinct ids');
    for (const m of members) {
      this.healthy.set(m.nodeId, false);
      this.unsubscribe.push(
        m.on((e) => {
          // A lost node takes no new call at once; an `up` node is trusted until a ping fails.
          this.healthy.set(e.nodeId, e.type === 'up');
          this.opts.onNodeEvent?.(e);
        }),
      );
    }
  }

  /**
   * Connects every node; a node that cannot be reached now keeps retrying on its own and joins
   * once up. Resolves with the number of nodes up.
   */
  async start(): Promise<number> {
    const results = await Promise.allSettled(this.members.map((m) => m.start()));
    results.forEach((r, i) => {
      const node = this.members[i]!;
      this.healthy.set(node.nodeId, r.status === 'fulfilled' && node.state === 'up');
      if (r.status === 'rejected') this.opts.onError?.(r.reason);
    });
    const interval = this.opts.healthIntervalMs ?? 10_000;
    this.timer = setInterval(() => void this.checkHealth(), interval);
    this.timer.unref();
    return this.members.filter((m) => this.healthy.get(m.nodeId)).length;
  }

  /** Pings every node; one that does not answer takes no new calls until it does. */
  async checkHealth(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        const ok =
          m.state === 'up' &&
          (await m.ping().then(
            () => true,
            () => false,
          ));
        this.healthy.set(m.nodeId, ok);
      }),
    );
  }

  snapshot(): MediaNodeSnapshot[] {
    return this.members.map((m) => ({
      nodeId: m.nodeId,
      healthy: this.healthy.get(m.nodeId) === true && m.state === 'up',
      load: m.load(),
      maxLegs: this.opts.maxLegsPerNode ?? null,
    }));
  }

  /** Can some node take a new call now? (Cheap: no request goes out.) */
  available(legsNeeded = LEGS_PER_CALL): boolean {
    return chooseMediaNode(this.snapshot(), legsNeeded).kind === 'node';
  }

  /** The node for a new call; fails with `no_capacity` when none is healthy with room. */
  pick(legsNeeded = LEGS_PER_CALL): MediaServer {
    const choice = chooseMediaNode(this.snapshot(), legsNeeded);
    if (choice.kind === 'none')
      throw new MediaServerError('no_capacity', `no media node can take a call (${choice.reason})`);
    return this.node(choice.nodeId)!;
  }

  /** The node that holds a call's room. */
  node(nodeId: string): MediaServer | undefined {
    return this.members.find((m) => m.nodeId === nodeId);
  }

  get nodes(): readonly MediaServer[] {
    return this.members;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    await Promise.allSettled(this.members.map((m) => m.close()));
  }
}

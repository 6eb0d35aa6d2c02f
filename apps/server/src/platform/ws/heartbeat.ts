const ANSWERED = -1;

/** What the heartbeat needs of a socket (the `ws` WebSocket has both). */
export interface HeartbeatSocket {
  ping(): void;
  terminate(): void;
}

/**
 * Pings every socket once per `intervalMs` and terminates one that has not answered its last ping
 * by its next turn, as the ws README's heartbeat does, but spread over the interval: each tick
 * (every intervalMs / slices) visits its share of the sockets. Pinging all of them in one callback
 * stalled the event loop for ~0.8 s every 25 s at 20,000 sockets (bench idle-sockets), and every
 * message and ping of that moment waited for it; the pongs then arrived in one burst as well.
 * 100 slices (a tick every 250 ms at 25 s): at 20,000 sockets 25 slices of 800 pings each still
 * showed as a 12 ms event-loop p99; 200 pings a tick are a few ms.
 *
 * A socket is visited once per round and rounds start `intervalMs` apart; since sockets come and
 * go during a round, a socket may be reached earlier than a full interval after its last ping, so a
 * ping is given at least half an interval to be answered before the socket counts as dead.
 */
export class Heartbeat<S extends HeartbeatSocket> {
  /** Each socket → when its unanswered ping was sent, ANSWERED once answered (or never pinged). */
  private readonly pending = new Map<S, number>();
  private round: Iterator<S> | null = null;
  private nextRoundAt: number;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly slices = 100,
    private readonly now: () => number = Date.now,
  ) {
    this.nextRoundAt = now() + intervalMs;
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs / this.slices);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  add(s: S): void {
    this.pending.set(s, ANSWERED);
  }

  pong(s: S): void {
    if (this.pending.has(s)) this.pending.set(s, ANSWERED);
  }

  remove(s: S): void {
    this.pending.delete(s);
  }

  get size(): number {
    return this.pending.size;
  }

  /** One slice: continues the current round, and starts the next one when it is due. */
  tick(): void {
    const now = this.now();
    // A Map iterator sees the keys added after it began and skips those deleted: a socket that
    // connects mid-round is pinged in this round already, one that left is never visited.
    for (let quota = Math.ceil(this.pending.size / this.slices); quota > 0; ) {
      if (this.round === null) {
        if (now < this.nextRoundAt) return;
        this.round = this.pending.keys();
        const behind = Math.floor((now - this.nextRoundAt) / this.intervalMs);
        this.nextRoundAt += this.intervalMs * (behind + 1);
      }
      const next = this.round.next();
      if (next.done) {
        this.round = null;
        continue;
      }
      this.visit(next.value, now);
      quota--;
    }
  }

  private visit(s: S, now: number): void {
    const sentAt = this.pending.get(s);
    if (sentAt === undefined) return;
    if (sentAt === ANSWERED) {
      this.pending.set(s, now);
      s.ping();
    } else if (now - sentAt >= this.intervalMs / 2) {
      this.pending.delete(s);
      s.terminate();
    }
  }
}

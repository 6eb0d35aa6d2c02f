import { MediaServerError, type IceCandidate, type Jsep } from '../../ports/media-server.js';
import type { JanusConnection } from './connection.js';
import { Listeners } from './listeners.js';
import {
  pluginError,
  toHandleEvent,
  toJsep,
  toWireCandidate,
  type HandleEvent,
  type WireMessage,
} from './wire.js';

/**
 * A Janus session (the unit Janus times out and frees with its WebSocket) and its plugin
 * handles (one PeerConnection each). The session sends keepalives; when it learns the session
 * is gone (timeout event, 458 on keepalive, socket closed, keepalives unanswered) it reports
 * `lost` once and its handles are dead.
 */
export interface SessionOptions {
  /** Keepalive period; Janus's session_timeout (60 s by default) must be comfortably longer. */
  keepaliveMs?: number;
  /** Keepalives that may go unanswered in a row before the connection is declared dead. */
  maxMissedKeepalives?: number;
  onError?: (e: unknown) => void;
}

export class JanusSession {
  private readonly handles = new Map<number, JanusHandle>();
  private readonly lostListeners: Listeners<string>;
  private readonly keepalive: NodeJS.Timeout;
  private missed = 0;
  private lostReason: string | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  private constructor(
    readonly conn: JanusConnection,
    readonly id: number,
    private readonly opts: SessionOptions,
  ) {
    this.lostListeners = new Listeners(opts.onError);
    this.unsubscribe.push(
      conn.onEvent((m) => this.route(m)),
      conn.onClose((reason) => this.lost(reason)),
    );
    const period = opts.keepaliveMs ?? 25_000;
    this.keepalive = setInterval(() => void this.sendKeepalive(period), period);
    this.keepalive.unref();
  }

  static async create(conn: JanusConnection, opts: SessionOptions = {}): Promise<JanusSession> {
    const reply = await conn.request({ janus: 'create' }, { what: 'create session' });
    return new JanusSession(conn, idOf(reply, 'create session'), opts);
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  async attach(plugin: string): Promise<JanusHandle> {
    this.assertAlive('attach');
    const reply = await this.conn.request(
      { janus: 'attach', session_id: this.id, plugin },
      { what: `attach ${plugin}` },
    );
    const handle = new JanusHandle(this, idOf(reply, 'attach'), this.opts.onError);
    this.handles.set(handle.id, handle);
    return handle;
  }

  /** Listens for the loss of the session (called at most once). */
  onLost(listener: (reason: string) => void): () => void {
    return this.lostListeners.add(listener);
  }

  /** Ends the session on Janus (which detaches its handles) and stops the keepalives. */
  async destroy(): Promise<void> {
    if (this.lostReason !== null) return;
    const request = this.conn.request(
      { janus: 'destroy', session_id: this.id },
      { what: 'destroy session', timeoutMs: 3_000 },
    );
    this.lost('destroyed');
    await request.catch(() => {});
  }

  /** @internal used by handles */
  assertAlive(what: string): void {
    if (this.lostReason !== null)
      throw new MediaServerError('session_gone', `${what}: Janus session lost (${this.lostReason})`);
  }

  /** @internal a handle that Janus detached or that we detached */
  forget(handleId: number): void {
    this.handles.delete(handleId);
  }

  private route(m: WireMessage): void {
    if (m.session_id !== this.id) return;
    if (m.janus === 'timeout') return this.lost('session timed out on Janus');
    if (m.sender === undefined) return;
    const event = toHandleEvent(m);
    if (event) this.handles.get(m.sender)?.deliver(event);
  }

  private async sendKeepalive(period: number): Promise<void> {
    if (this.lostReason !== null) return;
    try {
      await this.conn.request(
        { janus: 'keepalive', session_id: this.id },
        { ackIsFinal: true, timeoutMs: Math.min(period, 10_000), what: 'keepalive' },
      );
      this.missed = 0;
    } catch (e) {
      if (e instanceof MediaServerError && e.code === 'session_gone')
        return this.lost('session no longer on Janus');
      if (
        e instanceof MediaServerError &&
        e.code === 'timeout' &&
        ++this.missed >= (this.opts.maxMissedKeepalives ?? 2)
      ) {
        // Janus is hung or the network path is dead: drop the socket so everything fails fast.
        this.conn.terminate(`${this.missed} keepalives unanswered`);
      }
    }
  }

  private lost(reason: string): void {
    if (this.lostReason !== null) return;
    this.lostReason = reason;
    clearInterval(this.keepalive);
    for (const u of this.unsubscribe) u();
    for (const h of [...this.handles.values()]) h.deliver({ kind: 'detached' });
    this.handles.clear();
    this.lostListeners.emit(reason);
    this.lostListeners.clear();
  }
}

export class JanusHandle {
  private readonly listeners: Listeners<HandleEvent>;
  private detached = false;

  constructor(
    private readonly session: JanusSession,
    readonly id: number,
    onError?: (e: unknown) => void,
  ) {
    this.listeners = new Listeners(onError, { holdUntilListened: true });
  }

  get isDetached(): boolean {
    return this.detached;
  }

  /** True when the handle died with its session (Janus restart, timeout, socket drop). */
  get sessionLost(): boolean {
    return this.session.isLost;
  }

  /**
   * Sends a plugin request. Plugin failures (`error_code` in the reply data) reject with the
   * mapped MediaServerError like core errors do.
   */
  async message(
    body: Record<string, unknown>,
    opts: { jsep?: Jsep; timeoutMs?: number } = {},
  ): Promise<{ data: Record<string, unknown>; jsep: Jsep | null }> {
    const what = `videoroom ${String(body.request)}`;
    this.assertUsable(what);
    const reply = await this.session.conn.request(
      {
        janus: 'message',
        session_id: this.session.id,
        handle_id: this.id,
        body,
        ...(opts.jsep ? { jsep: opts.jsep } : {}),
      },
      { what, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
    );
    const data = reply.plugindata?.data;
    if (!data) throw new MediaServerError('protocol', `${what}: reply without plugin data (${reply.janus})`);
    const err = pluginError(data, what);
    if (err) throw err;
    return { data, jsep: reply.jsep ? toJsep(reply.jsep) : null };
  }

  async trickle(candidate: IceCandidate | null): Promise<void> {
    this.assertUsable('trickle');
    await this.session.conn.request(
      {
        janus: 'trickle',
        session_id: this.session.id,
        handle_id: this.id,
        candidate: toWireCandidate(candidate),
      },
      { ackIsFinal: true, what: 'trickle' },
    );
  }

  /** Ends the PeerConnection but keeps the handle. */
  async hangup(): Promise<void> {
    this.assertUsable('hangup');
    await this.session.conn.request(
      { janus: 'hangup', session_id: this.session.id, handle_id: this.id },
      { what: 'hangup' },
    );
  }

  /** Frees the handle on Janus (ending its PeerConnection). Quiet when already gone. */
  async detach(): Promise<void> {
    if (this.detached) return;
    this.markDetached();
    if (this.session.isLost) return;
    await this.session.conn
      .request(
        { janus: 'detach', session_id: this.session.id, handle_id: this.id },
        { what: 'detach', timeoutMs: 3_000 },
      )
      .catch((e: unknown) => {
        if (!(e instanceof MediaServerError && (e.code === 'session_gone' || e.code === 'unavailable')))
          throw e;
      });
  }

  onEvent(listener: (e: HandleEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /** @internal called by the session */
  deliver(event: HandleEvent): void {
    if (this.detached) return;
    if (event.kind === 'detached') this.markDetached();
    this.listeners.emit(event);
  }

  private markDetached(): void {
    this.detached = true;
    this.session.forget(this.id);
  }

  private assertUsable(what: string): void {
    this.session.assertAlive(what);
    if (this.detached)
      throw new MediaServerError('session_gone', `${what}: Janus handle ${this.id} is detached`);
  }
}

function idOf(reply: WireMessage, what: string): number {
  const id = reply.data?.id;
  if (typeof id !== 'number')
    throw new MediaServerError('protocol', `${what}: reply without an id (${reply.janus})`);
  return id;
}

import type { ClientMessage, ServerMessage, SequencedEvent } from '@visavis/protocol';
import { VisavisError } from './errors.js';
import { defaultOverloadRetryPolicy, defaultReconnectPolicy, type OverloadRetryPolicy, type ReconnectPolicy } from './reconnect.js';
import { Emitter } from './emitter.js';

/** Anything with the browser WebSocket's shape; Node tests pass the `ws` package's class. */
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionOptions {
  url: string;
  /** Visitor token (or agent token); omitted when the agent authenticates by cookie. */
  token?: string;
  /**
   * Asked for the token on every (re)connect instead of `token`: visitor access tokens are
   * short-lived, so a reconnect an hour later needs a renewed one (see VisitorTokenKeeper).
   */
  getToken?: () => Promise<string | null>;
  createSocket?: WebSocketFactory;
  reconnectPolicy?: ReconnectPolicy;
  /** When to resend a command refused with OVERLOADED (default: the server's hint, backing off). */
  overloadRetryPolicy?: OverloadRetryPolicy;
  requestTimeoutMs?: number;
}

/** A client command as passed to `request()`: any ClientMessage without its `rid`. */
export type Command = ClientMessage extends infer M ? (M extends { type: string } ? Omit<M, 'rid'> : never) : never;

interface Pending {
  msg: Command & { rid: string };
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The SDK's own (un)subscribe: dropped on disconnect, as the resubscription supersedes it. */
  internal: boolean;
  /** OVERLOADED refusals so far, and when the command was first sent (for the retry policy). */
  refusals: number;
  firstSentAt: number | undefined;
}

export type ConnectionEvents = {
  status: ConnectionStatus;
  event: SequencedEvent;
  message: ServerMessage;
  ready: Extract<ServerMessage, { type: 'ready' }>;
  /**
   * The server refused this connection's credentials: the token was rejected (INVALID_TOKEN),
   * authentication timed out, or the session ended (UNAUTHENTICATED). The connection keeps
   * retrying with the same credentials unless the listener calls `close()`.
   */
  'auth-failed': VisavisError;
  /**
   * The server dropped a subscription because this reader lost access to the conversation
   * (transferred away, unassigned); the connection no longer resubscribes it.
   */
  unsubscribed: Extract<ServerMessage, { type: 'conversation.unsubscribed' }>;
};

/**
 * One realtime connection: authenticates, reconnects with back-off, and on every (re)connect
 * re-subscribes each conversation from the last sequence number it delivered, so the caller
 * sees every event exactly once and in order. Commands sent while offline wait and are sent
 * after reconnect; message sends are idempotent (client message ids), so a resend is harmless.
 */
export class Connection extends Emitter<ConnectionEvents> {
  private socket: WebSocketLike | null = null;
  private statusValue: ConnectionStatus = 'connecting';
  private attempt = 0;
  private ridCounter = 0;
  private readonly pending = new Map<string, Pending>();
  /** conversationId -> highest seq delivered to the caller. */
  private readonly cursors = new Map<string, number>();
  private isReady = false;
  private closedByUser = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** conversationId -> highest seq seen in a push while a gap replay is under way. */
  private readonly replays = new Map<string, number>();
  /** An auth error the server sent on the current socket before `ready`. */
  private authError: VisavisError | null = null;

  constructor(private readonly opts: ConnectionOptions) {
    super();
    this.open();
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  /** Subscribe from `afterSeq` (0 = whole history). Resubscribes automatically after reconnects. */
  subscribe(conversationId: string, afterSeq = 0): void {
    const current = this.cursors.get(conversationId);
    this.cursors.set(conversationId, Math.max(current ?? 0, afterSeq));
    if (this.isReady) this.sendSubscribe(conversationId);
  }

  unsubscribe(conversationId: string): void {
    this.cursors.delete(conversationId);
    this.replays.delete(conversationId);
    if (this.isReady) this.enqueue({ type: 'conversation.unsubscribe', conversationId }, true).catch(() => {});
  }

  lastSeq(conversationId: string): number {
    return this.cursors.get(conversationId) ?? 0;
  }

  /** Send a command and wait for the server's ack (or its error, as a VisavisError). */
  request<T = unknown>(cmd: Command): Promise<T> {
    return this.enqueue<T>(cmd, false);
  }

  close(): void {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'client closed');
    this.setStatus('closed');
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new VisavisError('DISCONNECTED', 'connection closed'));
    }
    this.pending.clear();
  }

  /** For tests and the reconnect indicator: drop the socket as a network failure would. */
  dropForTest(): void {
    this.socket?.close(4000, 'dropped');
  }

  /**
   * Commands made while offline wait (without a deadline) and are sent once the next socket is
   * ready; the request timeout runs from the moment a command is actually sent.
   */
  private enqueue<T>(cmd: Command, internal: boolean): Promise<T> {
    if (this.closedByUser) return Promise.reject(new VisavisError('DISCONNECTED', 'connection closed'));
    const rid = `r${++this.ridCounter}`;
    return new Promise<T>((resolve, reject) => {
      const msg = { ...cmd, rid } as Command & { rid: string };
      const p: Pending = { msg, resolve: resolve as (v: unknown) => void, reject, timer: undefined, internal, refusals: 0, firstSentAt: undefined };
      this.pending.set(rid, p);
      if (this.isReady) this.transmit(p);
    });
  }

  private open(): void {
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    const ws = create(this.opts.url);
    this.socket = ws;
    this.authError = null;
    ws.onopen = () => {
      if (!this.opts.getToken) {
        if (this.opts.token) ws.send(JSON.stringify({ type: 'auth', token: this.opts.token }));
        return;
      }
      // A failed renewal still sends the old token: the server's refusal then reaches auth-failed.
      void this.opts.getToken().catch(() => this.opts.token ?? null).then((token) => {
        if (this.socket === ws && token) ws.send(JSON.stringify({ type: 'auth', token }));
      });
    };
    ws.onmessage = (ev) => this.onFrame(String(ev.data));
    ws.onerror = () => {};
    ws.onclose = (ev) => this.onSocketClosed(ws, ev);
  }

  private onSocketClosed(ws: WebSocketLike, ev: unknown): void {
    if (this.socket !== ws) return;
    this.socket = null;
    this.isReady = false;
    this.replays.clear();
    for (const [rid, p] of this.pending) {
      clearTimeout(p.timer);
      if (p.internal) {
        this.pending.delete(rid);
        p.reject(new VisavisError('DISCONNECTED', 'socket closed'));
      }
    }
    if (this.closedByUser) return;
    const failure = this.authFailure(ev);
    if (failure) {
      this.emit('auth-failed', failure);
      if (this.closedByUser) return; // the listener gave up
    }
    this.setStatus('reconnecting');
    const delay = (this.opts.reconnectPolicy ?? defaultReconnectPolicy)({ attempt: this.attempt++, random: Math.random });
    if (delay === null) {
      this.close();
      return;
    }
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Close codes of the gateway: 4401 token rejected or auth timeout, 4001 session revoked. */
  private authFailure(ev: unknown): VisavisError | null {
    const { code, reason } = (ev ?? {}) as { code?: unknown; reason?: unknown };
    const why = typeof reason === 'string' && reason ? reason : 'authentication failed';
    const failure = this.authError ?? (code === 4401 || code === 4001 ? new VisavisError('UNAUTHENTICATED', why) : null);
    this.authError = null;
    return failure;
  }

  private onFrame(raw: string): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    this.emit('message', msg);
    switch (msg.type) {
      case 'ready': {
        // Snapshot first: resubscribing adds pending requests that must not be sent twice.
        const queued = [...this.pending.values()];
        this.isReady = true;
        this.attempt = 0;
        this.authError = null;
        for (const id of [...this.cursors.keys()]) this.sendSubscribe(id);
        for (const p of queued) if (this.pending.get(p.msg.rid) === p) this.transmit(p);
        this.setStatus('open');
        this.emit('ready', msg);
        return;
      }
      case 'ack':
      case 'pong':
        return this.settle(msg.rid, (p) => p.resolve((msg as { result?: unknown }).result));
      case 'error':
        if (!msg.rid) {
          // Before ready, a rid-less error answers our auth frame.
          if (!this.isReady && (msg.code === 'INVALID_TOKEN' || msg.code === 'UNAUTHENTICATED')) {
            this.authError = new VisavisError(msg.code, msg.message);
          }
          return;
        }
        if (msg.code === 'OVERLOADED' && this.retryLater(msg.rid, msg.details)) return;
        return this.settle(msg.rid, (p) => p.reject(new VisavisError(msg.code, msg.message)));
      case 'conversation.event':
        return this.onEvent(msg);
      case 'conversation.unsubscribed':
        this.cursors.delete(msg.conversationId);
        this.replays.delete(msg.conversationId);
        this.emit('unsubscribed', msg);
        return;
      default:
        return;
    }
  }

  private onEvent(msg: Extract<ServerMessage, { type: 'conversation.event' }>): void {
    const last = this.cursors.get(msg.conversationId);
    if (last === undefined || msg.seq <= last) return; // not subscribed, or already delivered
    if (msg.seq > last + 1) {
      // A gap: ask the server again from what we have; it resends in order.
      this.replayFrom(msg.conversationId, msg.seq);
      return;
    }
    this.cursors.set(msg.conversationId, msg.seq);
    const { type: _t, ...event } = msg;
    this.emit('event', event as SequencedEvent);
  }

  /**
   * One replay per conversation at a time: later out-of-order pushes only raise the seq we
   * know exists. If the replay made progress but did not reach it, ask once more.
   */
  private replayFrom(conversationId: string, seenSeq: number): void {
    const running = this.replays.has(conversationId);
    this.replays.set(conversationId, Math.max(this.replays.get(conversationId) ?? 0, seenSeq));
    if (running) return;
    const startedAt = this.lastSeq(conversationId);
    void this.sendSubscribe(conversationId).finally(() => {
      const seen = this.replays.get(conversationId);
      if (seen === undefined) return; // disconnected or unsubscribed meanwhile
      this.replays.delete(conversationId);
      const now = this.lastSeq(conversationId);
      if (this.isReady && seen > now && now > startedAt) this.replayFrom(conversationId, seen);
    });
  }

  private sendSubscribe(conversationId: string): Promise<unknown> {
    const afterSeq = this.cursors.get(conversationId) ?? 0;
    return this.enqueue({ type: 'conversation.subscribe', conversationId, afterSeq }, true).catch(() => {});
  }

  /**
   * A command the server refused for load, not carried out: sent again later, as it was (a message
   * keeps its client message id), while the policy allows. False when it gives up.
   */
  private retryLater(rid: string, details: unknown): boolean {
    const p = this.pending.get(rid);
    if (!p) return false;
    p.refusals++;
    const hint = (details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    const delay = (this.opts.overloadRetryPolicy ?? defaultOverloadRetryPolicy)({
      attempt: p.refusals,
      hintMs: typeof hint === 'number' && Number.isFinite(hint) ? hint : null,
      elapsedMs: Date.now() - (p.firstSentAt ?? Date.now()),
      random: Math.random,
    });
    if (delay === null) return false;
    clearTimeout(p.timer);
    // If the socket is down by then, the reconnect sends every pending command anyway.
    p.timer = setTimeout(() => {
      if (this.pending.get(rid) === p && this.isReady) this.transmit(p);
    }, delay);
    return true;
  }

  private transmit(p: Pending): void {
    clearTimeout(p.timer);
    p.firstSentAt ??= Date.now();
    const timeout = this.opts.requestTimeoutMs ?? 15_000;
    p.timer = setTimeout(() => this.settle(p.msg.rid, (x) => x.reject(new VisavisError('TIMEOUT', 'no answer from server'))), timeout);
    this.socket?.send(JSON.stringify(p.msg));
  }

  private settle(rid: string | undefined, fn: (p: Pending) => void): void {
    if (!rid) return;
    const p = this.pending.get(rid);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(rid);
    fn(p);
  }

  private setStatus(s: ConnectionStatus): void {
    if (s === this.statusValue) return;
    this.statusValue = s;
    this.emit('status', s);
  }
}

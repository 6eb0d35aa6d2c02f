import type { ClientMessage, ServerMessage, SequencedEvent } from '@visavis/protocol';
import { VisavisError } from './errors.js';
import { defaultReconnectPolicy, type ReconnectPolicy } from './reconnect.js';
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
  createSocket?: WebSocketFactory;
  reconnectPolicy?: ReconnectPolicy;
  requestTimeoutMs?: number;
}

type Command = ClientMessage extends infer M ? (M extends { type: string } ? Omit<M, 'rid'> : never) : never;

interface Pending {
  msg: Command & { rid: string };
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export type ConnectionEvents = {
  status: ConnectionStatus;
  event: SequencedEvent;
  message: ServerMessage;
  ready: Extract<ServerMessage, { type: 'ready' }>;
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
    if (this.isReady) void this.request({ type: 'conversation.unsubscribe', conversationId }).catch(() => {});
  }

  lastSeq(conversationId: string): number {
    return this.cursors.get(conversationId) ?? 0;
  }

  /** Send a command and wait for the server's ack (or its error, as a VisavisError). */
  request<T = unknown>(cmd: Command): Promise<T> {
    const rid = `r${++this.ridCounter}`;
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { msg: { ...cmd, rid } as Command & { rid: string }, resolve: resolve as (v: unknown) => void, reject, timer: undefined };
      this.pending.set(rid, p);
      if (this.isReady) this.transmit(p);
    });
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

  private open(): void {
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    const ws = create(this.opts.url);
    this.socket = ws;
    ws.onopen = () => {
      if (this.opts.token) ws.send(JSON.stringify({ type: 'auth', token: this.opts.token }));
    };
    ws.onmessage = (ev) => this.onFrame(String(ev.data));
    ws.onerror = () => {};
    ws.onclose = () => this.onSocketClosed(ws);
  }

  private onSocketClosed(ws: WebSocketLike): void {
    if (this.socket !== ws) return;
    this.socket = null;
    this.isReady = false;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    if (this.closedByUser) return;
    this.setStatus('reconnecting');
    const delay = (this.opts.reconnectPolicy ?? defaultReconnectPolicy)({ attempt: this.attempt++, random: Math.random });
    if (delay === null) {
      this.close();
      return;
    }
    this.retryTimer = setTimeout(() => this.open(), delay);
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
      case 'ready':
        this.isReady = true;
        this.attempt = 0;
        this.setStatus('open');
        this.emit('ready', msg);
        for (const id of this.cursors.keys()) this.sendSubscribe(id);
        for (const p of this.pending.values()) this.transmit(p);
        return;
      case 'ack':
      case 'pong':
        return this.settle(msg.rid, (p) => p.resolve((msg as { result?: unknown }).result));
      case 'error':
        if (!msg.rid) return;
        return this.settle(msg.rid, (p) => p.reject(new VisavisError(msg.code, msg.message)));
      case 'conversation.event':
        return this.onEvent(msg);
      default:
        return;
    }
  }

  private onEvent(msg: Extract<ServerMessage, { type: 'conversation.event' }>): void {
    const last = this.cursors.get(msg.conversationId);
    if (last === undefined || msg.seq <= last) return; // not subscribed, or already delivered
    if (msg.seq > last + 1) {
      // A gap: ask the server again from what we have; it resends in order.
      this.sendSubscribe(msg.conversationId);
      return;
    }
    this.cursors.set(msg.conversationId, msg.seq);
    const { type: _t, ...event } = msg;
    this.emit('event', event as SequencedEvent);
  }

  private sendSubscribe(conversationId: string): void {
    const afterSeq = this.cursors.get(conversationId) ?? 0;
    this.request({ type: 'conversation.subscribe', conversationId, afterSeq }).catch(() => {});
  }

  private transmit(p: Pending): void {
    clearTimeout(p.timer);
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

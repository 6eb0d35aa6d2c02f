/**
 * Test-only: a small in-process WebSocket server speaking the Visavis realtime protocol the way
 * apps/server's gateway does (auth frame or cookie, `ready`, ack/error by rid, subscribe =
 * backlog after afterSeq then live events, idempotent message.send). Not exported by the
 * package; Node-only (uses `ws`).
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type {
  ClientMessage,
  ErrorCode,
  SequencedEvent,
  ServerMessage,
  TimelineEvent,
} from '@visavis/protocol';

export interface FakeConnection {
  readonly index: number;
  readonly ws: WebSocket;
  readonly frames: ClientMessage[];
  ready: boolean;
  readonly subs: Set<string>;
  send(msg: ServerMessage): void;
}

/** Thrown by a handler to answer an `error` frame with this code. */
export class FakeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = code,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Handler = (msg: ClientMessage, conn: FakeConnection) => unknown;

export class FakeServer {
  readonly connections: FakeConnection[] = [];
  readonly validTokens = new Set(['good-token']);
  /** Ready without an auth frame, as the real server does for an agent's session cookie. */
  cookieAuth = false;
  /** While true, a valid auth frame is accepted but `ready` waits for releaseReady(). */
  holdReady = false;
  /** While true, every new socket is closed at once (1013 try again later), before `ready`. */
  refuse = false;
  /** Command types the server receives but never answers (to test timeouts and resends). */
  readonly unanswered = new Set<string>();
  readonly handlers: Partial<Record<ClientMessage['type'], Handler>> = {};
  private readonly timelines = new Map<string, SequencedEvent[]>();

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {
    wss.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const { port } = wss.address() as AddressInfo;
    return new FakeServer(wss, `ws://127.0.0.1:${port}/ws`);
  }

  /** Every frame received, on any connection, of the given type. */
  received<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.connections
      .flatMap((c) => c.frames)
      .filter((f): f is Extract<ClientMessage, { type: T }> => f.type === type);
  }

  get last(): FakeConnection {
    const c = this.connections.at(-1);
    if (!c) throw new Error('no connection yet');
    return c;
  }

  /** Stores the next event of a conversation and pushes it to the connections subscribed to it. */
  append(conversationId: string, event: TimelineEvent = { type: 'conversation.created' }): SequencedEvent {
    const list = this.timelines.get(conversationId) ?? [];
    this.timelines.set(conversationId, list);
    const e: SequencedEvent = { conversationId, seq: list.length + 1, at: new Date().toISOString(), event };
    list.push(e);
    for (const c of this.connections) if (c.ready && c.subs.has(conversationId)) this.push(c, e);
    return e;
  }

  /** Stores an event without pushing it (as if the push was lost). */
  appendSilently(
    conversationId: string,
    event: TimelineEvent = { type: 'conversation.created' },
  ): SequencedEvent {
    const subscribed = this.connections.filter((c) => c.subs.delete(conversationId));
    const e = this.append(conversationId, event);
    for (const c of subscribed) c.subs.add(conversationId);
    return e;
  }

  push(conn: FakeConnection, e: SequencedEvent): void {
    conn.send({ type: 'conversation.event', ...e });
  }

  releaseReady(): void {
    this.holdReady = false;
    for (const c of this.connections) if (c.frames.some((f) => f.type === 'auth') && !c.ready) this.ready(c);
  }

  /** Closes every open socket from the server side, as a restart or a proxy timeout would. */
  dropAll(code = 1012, reason = 'server restarting'): void {
    for (const c of this.connections) if (c.ws.readyState === c.ws.OPEN) c.ws.close(code, reason);
  }

  get openCount(): number {
    return this.connections.filter((c) => c.ws.readyState === c.ws.OPEN).length;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    const conn: FakeConnection = {
      index: this.connections.length,
      ws,
      frames: [],
      ready: false,
      subs: new Set(),
      send: (msg) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(msg)),
    };
    this.connections.push(conn);
    if (this.refuse) return ws.close(1013, 'try again later');
    if (this.cookieAuth) this.ready(conn);
    ws.on('message', (data) => void this.onFrame(conn, JSON.parse(String(data)) as ClientMessage));
  }

  private ready(conn: FakeConnection): void {
    conn.ready = true;
    conn.send({
      type: 'ready',
      role: 'visitor',
      principalId: 'visitor-1',
      serverTime: new Date().toISOString(),
    });
  }

  private async onFrame(conn: FakeConnection, msg: ClientMessage): Promise<void> {
    conn.frames.push(msg);
    if (!conn.ready) {
      if (msg.type !== 'auth')
        return conn.send({ type: 'error', rid: msg.rid, code: 'UNAUTHENTICATED', message: 'auth first' });
      if (!this.validTokens.has(msg.token)) {
        conn.send({ type: 'error', code: 'INVALID_TOKEN', message: 'The token is invalid or expired.' });
        conn.ws.close(4401, 'invalid token');
        return;
      }
      if (!this.holdReady) this.ready(conn);
      return;
    }
    if (this.unanswered.has(msg.type)) return;
    try {
      const result = await (this.handlers[msg.type] ?? ((m, c) => this.defaultHandler(m, c)))(msg, conn);
      conn.send(msg.type === 'ping' ? { type: 'pong', rid: msg.rid } : { type: 'ack', rid: msg.rid, result });
    } catch (e) {
      const code = e instanceof FakeError ? e.code : 'INTERNAL';
      const details = e instanceof FakeError && e.details !== undefined ? { details: e.details } : {};
      conn.send({ type: 'error', rid: msg.rid, code, message: (e as Error).message, ...details });
    }
  }

  private defaultHandler(msg: ClientMessage, conn: FakeConnection): unknown {
    switch (msg.type) {
      case 'conversation.subscribe': {
        // Like the real Hub: the backlog after afterSeq first, then the ack, then live events.
        for (const e of this.timelines.get(msg.conversationId) ?? [])
          if (e.seq > msg.afterSeq) this.push(conn, e);
        conn.subs.add(msg.conversationId);
        return undefined;
      }
      case 'conversation.unsubscribe':
        conn.subs.delete(msg.conversationId);
        return undefined;
      case 'message.send': {
        const list = this.timelines.get(msg.conversationId) ?? [];
        const earlier = list.find(
          (e) => e.event.type === 'message' && e.event.clientMsgId === msg.clientMsgId,
        );
        if (earlier) return { event: earlier };
        const event = this.append(msg.conversationId, {
          type: 'message',
          messageId: `${msg.conversationId}:${list.length + 1}`,
          clientMsgId: msg.clientMsgId,
          author: { kind: 'visitor', id: 'visitor-1', name: null },
          kind: 'text',
          text: msg.text,
          attachment: null,
        });
        return { event };
      }
      default:
        return undefined;
    }
  }
}

/** Polls until `check` returns a truthy value (or throws a helpful error after `ms`). */
export async function waitFor<T>(check: () => T, what: string, ms = 3000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

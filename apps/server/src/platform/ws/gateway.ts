import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientMessage, CLIENT_MESSAGE_TYPES, isUnsafeText, LIMITS, type ServerMessage } from '@visavis/protocol';
import { AppError, toAppError, toErrorBody } from '../errors.js';
import { assertSafeInput, endWithError, parseBoundedJson } from '../input-guard.js';
import type { AuthService, VisitorService, Principal } from '../../identity/index.js';
import { handleCommand, type HandlerDeps } from './handlers.js';
import type { AddressConnectionLimit } from './address-limit.js';
import type { ClientConnection } from './hub.js';
import { Heartbeat } from './heartbeat.js';
import { overloaded, type LoadShedder } from '../load-shedder.js';

/**
 * Commands never refused for load: keep-alives, letting go of a conversation, and the signalling
 * of calls already set up (a refused ICE candidate or hang-up hurts a live call more than it
 * saves). Everything else (messages first) is shed while the node is overloaded.
 */
const NEVER_SHED: ReadonlySet<string> = new Set<ClientMessage['type']>([
  'ping', 'conversation.unsubscribe', 'call.hangup', 'call.trickle', 'call.publish', 'call.subscribe',
  'call.subscribe_answer', 'call.configure',
]);

export interface GatewayDeps extends HandlerDeps {
  auth: AuthService;
  visitors: VisitorService;
  sessionCookie: string;
  /** Frames per second per connection (WS_MESSAGES_PER_SECOND); bursts of three times that. */
  messagesPerSecond: number;
  /** Open sockets per client address (WS_MAX_CONNECTIONS_PER_IP); over it: 4029 TOO_MANY_CONNECTIONS. */
  connectionLimit: AddressConnectionLimit;
  /** Refuses commands with OVERLOADED while the node cannot keep up (LOAD_SHED_*). */
  load: LoadShedder;
  log: { warn(o: object, m: string): void; error(o: object, m: string): void };
  metrics: { wsConnections: { inc(): void; dec(): void }; wsMessages: { inc(l: { type: string }): void } };
}

const AUTH_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 25_000;

function send(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

/** Close code when the server itself failed to set up or run a connection (logged with context). */
const CLOSE_SERVER_FAILURE = 4500;

/** A cookie's value; a broken percent-encoding (`%`, `%E0%A4%A`) is simply no cookie. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Whether the upgrade comes from the server's own origin, which alone may use the session cookie
 * (this blocks cross-site WebSocket hijacking). No Origin header = a non-browser client. Anything
 * that is not an absolute URL with a host (`null` from sandboxed iframes, file:// pages and some
 * WebViews, `foo`, `*`, `http://`) is cross-site: such a visitor authenticates with an `auth` frame.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost !== '' && originHost === host;
}

/** The path of an upgrade's request target, or null when it does not parse as a URL. */
function requestPath(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://placeholder').pathname;
  } catch {
    return null;
  }
}

/** Socket errors end in 'close', which does the clean-up; without a listener they would be thrown. */
function ignoreSocketError(): void {}

/** Where a connection came from, for its log lines. */
interface WhereFrom {
  url: string | undefined;
  origin: string | undefined;
  address: string | undefined;
}

function whereFrom(req: IncomingMessage): WhereFrom {
  return { url: req.url?.slice(0, 200), origin: req.headers.origin?.slice(0, 200), address: req.socket.remoteAddress };
}

/** Answers an upgrade that will not become a WebSocket with a small JSON error, then closes. */
function refuseUpgrade(socket: Duplex, err: AppError): void {
  endWithError(socket, err.httpStatus === 404 ? '404 Not Found' : '400 Bad Request', err);
}

/**
 * The WebSocket boundary: upgrade, authentication (agent cookie at upgrade, or an `auth` first
 * frame), frame size and rate limits, zod validation of every frame, heartbeats. Every error is
 * answered with a catalog code; nothing a client sends can crash the process.
 */
export class WsGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly heartbeat = new Heartbeat<WebSocket>(HEARTBEAT_MS);

  constructor(private readonly d: GatewayDeps) {
    this.heartbeat.start();
  }

  /**
   * The server's `upgrade` listener. Never throws: a request target that does not parse
   * (`http://[`, `http://x:99999/ws`, `//[/ws`) is answered 400 BAD_REQUEST, another path 404,
   * and bad WebSocket headers are refused by `ws` itself.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A module-level function, not an arrow made here: an arrow would hold this call's scope,
    // and with it `req`, for as long as the socket lives.
    socket.on('error', ignoreSocketError);
    try {
      const pathname = requestPath(req.url);
      if (pathname === null) return refuseUpgrade(socket, new AppError('BAD_REQUEST', 'The request target does not parse.'));
      if (pathname !== '/ws') return refuseUpgrade(socket, new AppError('NOT_FOUND'));
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.onConnection(ws, req).catch((e: unknown) => this.connectionFailed(ws, whereFrom(req), e));
      });
    } catch (e) {
      this.d.log.error({ err: e, url: req.url?.slice(0, 200), address: req.socket.remoteAddress }, 'ws upgrade failed');
      refuseUpgrade(socket, new AppError('BAD_REQUEST'));
    }
  }

  close(): void {
    this.heartbeat.stop();
    for (const ws of this.wss.clients) ws.close(1012, 'server restarting');
    this.wss.close();
  }

  /** A connection whose own set-up or command loop threw: log where it came from, close it. */
  private connectionFailed(ws: WebSocket, where: WhereFrom, e: unknown): void {
    this.d.log.error({ err: e, ...where }, 'ws connection failed');
    try {
      ws.close(CLOSE_SERVER_FAILURE, 'server error');
    } catch {
      ws.terminate();
    }
  }

  private async onConnection(ws: WebSocket, req: IncomingMessage): Promise<void> {
    this.heartbeat.add(ws);
    ws.on('pong', () => this.heartbeat.pong(ws));
    ws.once('close', () => this.heartbeat.remove(ws));
    ws.on('error', () => {});
    // What the logs need of the upgrade request, copied: the closures below live as long as the
    // socket, and keeping `req` would keep its headers and parser state too (~2 KiB a socket).
    const where = whereFrom(req);
    if (!this.d.connectionLimit.admit(req, ws)) return;
    // Cookie auth only for same-origin upgrades: blocks cross-site WebSocket hijacking.
    const sameOrigin = isSameOrigin(req.headers.origin, req.headers.host);
    const cookieToken = sameOrigin ? cookieValue(req.headers.cookie, this.d.sessionCookie) : undefined;
    let principal: Principal | null = await this.d.auth.authenticate(cookieToken).catch(() => null);
    let conn: ClientConnection | null = null;
    const rate = { perSecond: this.d.messagesPerSecond, burst: this.d.messagesPerSecond * 3 };
    const tokens = { level: rate.burst, at: Date.now() };
    let sessionTouchedAt = Date.now();
    const authTimer = setTimeout(() => {
      if (!conn) ws.close(4401, 'authentication timeout');
    }, AUTH_TIMEOUT_MS);

    const ready = (p: Principal) => {
      clearTimeout(authTimer);
      conn = this.d.hub.add(p, {
        send: (data) => ws.readyState === ws.OPEN && ws.send(data),
        close: (c, r) => ws.close(c, r),
        // What the peer has not read yet: the hub pages history and drops slow readers by it.
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
      });
      this.d.metrics.wsConnections.inc();
      send(ws, {
        type: 'ready',
        role: p.kind,
        principalId: p.kind === 'visitor' ? p.visitorId : p.agentId,
        serverTime: new Date().toISOString(),
      });
    };
    if (principal) ready(principal);

    ws.on('close', () => {
      clearTimeout(authTimer);
      if (!conn) return;
      // A throw inside an event listener would be an uncaught exception: log it, never crash.
      try {
        this.d.hub.remove(conn);
      } catch (e) {
        this.d.log.error({ err: e, address: where.address }, 'ws close clean-up failed');
      }
      this.d.metrics.wsConnections.dec();
    });

    // Commands of one connection run in arrival order; a text message is only queued here (the
    // message writer keeps each conversation's order), so the next frame need not wait for it.
    let chain: Promise<void> = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      chain = chain.then(() => process(data, isBinary)).catch((e: unknown) => this.connectionFailed(ws, where, e));
    });
    const process = async (data: import('ws').RawData, isBinary: boolean): Promise<void> => {
      let rid: string | undefined;
      // Every frame costs a token, malformed ones too; the refusal is sent once the rid is known.
      const now = Date.now();
      tokens.level = Math.min(rate.burst, tokens.level + ((now - tokens.at) / 1000) * rate.perSecond);
      tokens.at = now;
      const limited = tokens.level < 1;
      if (!limited) tokens.level -= 1;
      try {
        const raw = isBinary ? null : data.toString();
        if (raw === null) throw new AppError('BAD_REQUEST', 'Binary frames are not accepted.');
        if (Buffer.byteLength(raw) > LIMITS.wsFrameBytes) throw new AppError('PAYLOAD_TOO_LARGE');
        const json = parseBoundedJson(raw);
        // The rid first, so that every later refusal (rate limit included) reaches the waiting request.
        const maybeRid = (json as { rid?: unknown } | null)?.rid;
        rid = typeof maybeRid === 'string' && !isUnsafeText(maybeRid) ? maybeRid.slice(0, 64) : undefined;
        if (limited) throw new AppError('RATE_LIMITED');
        // NUL / lone surrogates and prototype keys are refused before any schema or service sees them.
        assertSafeInput(json);
        const type = (json as { type?: unknown } | null)?.type;
        if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
          // Never String(type): an object type (`{"toString":1}`) would throw while building the message.
          const shown = typeof type === 'string' ? type.slice(0, 40) : typeof type;
          throw new AppError('UNKNOWN_MESSAGE_TYPE', `Unknown message type: ${shown}`);
        }
        // Before authentication only `auth` is looked at: nothing else is validated or answered.
        if (!conn && type !== 'auth') throw new AppError('UNAUTHENTICATED');
        const msg = ClientMessage.parse(json);
        this.d.metrics.wsMessages.inc({ type: msg.type });
        if (!conn) {
          if (msg.type !== 'auth') throw new AppError('UNAUTHENTICATED');
          principal = this.d.visitors.principal(msg.token) ?? (await this.d.auth.authenticate(msg.token));
          if (!principal) {
            send(ws, { type: 'error', rid, code: 'INVALID_TOKEN', message: 'The token is invalid or expired.' });
            ws.close(4401, 'invalid token');
            return;
          }
          ready(principal);
          return;
        }
        const counted = !NEVER_SHED.has(msg.type);
        if (counted && !this.d.load.tryEnter()) throw overloaded(this.d.load.retryAfterMs());
        const work = handleCommand(this.d, conn, msg).finally(() => counted && this.d.load.leave());
        // What the person does (not the client's keep-alive pings) keeps an agent session from idling out; one write a minute.
        const cp = conn.principal;
        if (cp.kind === 'agent' && msg.type !== 'ping' && Date.now() - sessionTouchedAt >= 60_000) {
          sessionTouchedAt = Date.now();
          void this.d.auth.touch(cp.sessionId).catch(() => {});
        }
        const answered = work.then((result) => send(ws, msg.type === 'ping' ? { type: 'pong', rid } : { type: 'ack', rid, result }));
        // A text message is in the message writer's queue, in order, once handleCommand returned:
        // the next command need not wait for its transaction (message-writer.ts keeps the order).
        if (msg.type === 'message.send' && msg.blobId === undefined) {
          const pipelinedRid = rid;
          answered.catch((e: unknown) => answerError(e, pipelinedRid));
          return;
        }
        await answered;
      } catch (e) {
        answerError(e, rid);
      }
    };
    const answerError = (e: unknown, rid: string | undefined) => {
      const err = toAppError(e);
      if (err.code === 'INTERNAL') this.d.log.error({ err: e, rid }, 'ws command failed');
      send(ws, { type: 'error', rid, ...toErrorBody(err) });
    };
  }
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientMessage, CLIENT_MESSAGE_TYPES, LIMITS, type ServerMessage } from '@visavis/protocol';
import { AppError, toAppError, toErrorBody } from '../errors.js';
import type { AuthService } from '../services/auth-service.js';
import type { VisitorService } from '../services/visitor-service.js';
import type { Principal } from '../services/principal.js';
import { handleCommand, type HandlerDeps } from './handlers.js';
import type { ClientConnection } from './hub.js';

export interface GatewayDeps extends HandlerDeps {
  auth: AuthService;
  visitors: VisitorService;
  sessionCookie: string;
  log: { warn(o: object, m: string): void; error(o: object, m: string): void };
  metrics: { wsConnections: { inc(): void; dec(): void }; wsMessages: { inc(l: { type: string }): void } };
}

const AUTH_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 25_000;
const RATE = { perSecond: 20, burst: 60 };

function send(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * The WebSocket boundary: upgrade, authentication (agent cookie at upgrade, or an `auth` first
 * frame), frame size and rate limits, zod validation of every frame, heartbeats. Every error is
 * answered with a catalog code; nothing a client sends can crash the process.
 */
export class WsGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(private readonly d: GatewayDeps) {
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        const state = ws as WebSocket & { alive?: boolean };
        if (state.alive === false) {
          ws.terminate();
          continue;
        }
        state.alive = false;
        ws.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.onConnection(ws, req));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(1012, 'server restarting');
    this.wss.close();
  }

  private async onConnection(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const state = ws as WebSocket & { alive?: boolean };
    state.alive = true;
    ws.on('pong', () => (state.alive = true));
    ws.on('error', () => {});
    // Cookie auth only for same-origin upgrades: blocks cross-site WebSocket hijacking.
    const sameOrigin = !req.headers.origin || new URL(req.headers.origin).host === req.headers.host;
    const cookieToken = sameOrigin ? cookieValue(req.headers.cookie, this.d.sessionCookie) : undefined;
    let principal: Principal | null = await this.d.auth.authenticate(cookieToken).catch(() => null);
    let conn: ClientConnection | null = null;
    const tokens = { level: RATE.burst, at: Date.now() };
    const authTimer = setTimeout(() => {
      if (!conn) ws.close(4401, 'authentication timeout');
    }, AUTH_TIMEOUT_MS);

    const ready = (p: Principal) => {
      clearTimeout(authTimer);
      conn = this.d.hub.add(p, { send: (data) => ws.readyState === ws.OPEN && ws.send(data), close: (c, r) => ws.close(c, r) });
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
      if (conn) {
        this.d.hub.remove(conn);
        this.d.metrics.wsConnections.dec();
      }
    });

    // Commands of one connection run in arrival order (two quick sends keep their order).
    let chain: Promise<void> = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      chain = chain.then(() => process(data, isBinary));
    });
    const process = async (data: import('ws').RawData, isBinary: boolean): Promise<void> => {
      let rid: string | undefined;
      try {
        const raw = isBinary ? null : data.toString();
        if (raw === null) throw new AppError('BAD_REQUEST', 'Binary frames are not accepted.');
        if (Buffer.byteLength(raw) > LIMITS.wsFrameBytes) throw new AppError('PAYLOAD_TOO_LARGE');
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          throw new AppError('MALFORMED_JSON');
        }
        // The rid first, so that every later refusal (rate limit included) reaches the waiting request.
        const maybeRid = (json as { rid?: unknown } | null)?.rid;
        rid = typeof maybeRid === 'string' ? maybeRid.slice(0, 64) : undefined;
        const now = Date.now();
        tokens.level = Math.min(RATE.burst, tokens.level + ((now - tokens.at) / 1000) * RATE.perSecond);
        tokens.at = now;
        if (tokens.level < 1) throw new AppError('RATE_LIMITED');
        tokens.level -= 1;
        const type = (json as { type?: unknown } | null)?.type;
        if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
          throw new AppError('UNKNOWN_MESSAGE_TYPE', `Unknown message type: ${String(type).slice(0, 40)}`);
        }
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
        const result = await handleCommand(this.d, conn, msg);
        if (msg.type === 'ping') send(ws, { type: 'pong', rid });
        else send(ws, { type: 'ack', rid, result });
      } catch (e) {
        const err = toAppError(e);
        if (err.code === 'INTERNAL') this.d.log.error({ err: e }, 'ws command failed');
        send(ws, { type: 'error', rid, ...toErrorBody(err) });
      }
    };
  }
}

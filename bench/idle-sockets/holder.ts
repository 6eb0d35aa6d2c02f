// A child process of the idle-sockets benchmark that opens and holds a share of the crowd. The
// crowd is split over several of these because one process may hold only RLIMIT_NOFILE sockets
// (20,000 on the machine this was written on) and the server needs as many on its side.
// Each socket is a visitor as the widget makes one: POST /api/visitor/session from its own
// loopback source address, then a WebSocket from that address that sends `auth` and waits for
// `ready`. Raw `ws` speaking the protocol keeps the client side small; `ws` answers the server's
// heartbeat pings by itself. Driven over the IPC channel, see HolderCommand / HolderReport.
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface ConnectCommand {
  type: 'connect';
  /** ws:// URL of the socket endpoint. */
  wsUrl: string;
  /** Base http:// URL for visitor sessions; null = no session, any token (the bare ws floor). */
  httpUrl: string | null;
  siteKey: string;
  /** Source address of each socket this holder opens. */
  addresses: string[];
  concurrency: number;
  /** Seconds between the protocol's `ping` commands per socket; 0 = only the server's heartbeat. */
  clientPingSeconds: number;
}
export type HolderCommand = ConnectCommand | { type: 'stats' } | { type: 'close' };

export interface HolderStats {
  open: number;
  /** Closed by the server (or the network) while the bench still held them. */
  unexpectedCloses: number;
  /** WebSocket ping frames from the server: its heartbeat. */
  serverPings: number;
  /** Text frames received after `ready` (pongs to client pings, anything pushed). */
  frames: number;
}
export type HolderReport =
  | { type: 'connected'; ok: number; failures: Record<string, number>; connectMs: number[] }
  | ({ type: 'stats' } & HolderStats)
  | { type: 'closed' };

const sockets = new Set<WebSocket>();
const stats: HolderStats = { open: 0, unexpectedCloses: 0, serverPings: 0, frames: 0 };
const pingTimers: ReturnType<typeof setInterval>[] = [];
let closing = false;

function report(r: HolderReport): void {
  process.send?.(r);
}

/** A visitor session from `address`; a new TCP connection each (closed by the server) so no idle HTTP sockets stay on it. */
function visitorToken(httpUrl: string, address: string, siteKey: string, page: number): Promise<string> {
  const body = JSON.stringify({ siteKey, language: 'en', pageUrl: `https://bench.example/idle/${page}` });
  return new Promise((resolve, reject) => {
    const req = request(
      `${httpUrl}/api/visitor/session`,
      {
        method: 'POST',
        localAddress: address,
        agent: false,
        headers: { 'content-type': 'application/json', connection: 'close', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`session HTTP ${res.statusCode}`));
          resolve((JSON.parse(text) as { visitorToken: string }).visitorToken);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens one authenticated socket and keeps it; resolves once the server said `ready`. */
function openSocket(wsUrl: string, address: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { localAddress: address, perMessageDeflate: false });
    let ready = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    ws.on('ping', () => stats.serverPings++);
    ws.on('message', (data) => {
      if (ready) {
        stats.frames++;
        return;
      }
      const msg = JSON.parse(String(data)) as { type: string; code?: string };
      if (msg.type === 'ready') {
        ready = true;
        sockets.add(ws);
        stats.open++;
        resolve();
      } else if (msg.type === 'error') reject(new Error(msg.code ?? 'error frame'));
    });
    ws.on('error', (e) => ready || reject(e));
    ws.on('close', (code) => {
      if (!ready) return reject(new Error(`closed ${code} before ready`));
      sockets.delete(ws);
      stats.open--;
      if (!closing) stats.unexpectedCloses++;
    });
  });
}

async function connect(c: ConnectCommand): Promise<void> {
  const connectMs: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < c.addresses.length) {
      const i = next++;
      const address = c.addresses[i]!;
      const t0 = performance.now();
      try {
        const token = c.httpUrl ? await visitorToken(c.httpUrl, address, c.siteKey, i) : 'floor';
        await openSocket(c.wsUrl, address, token);
        connectMs.push(performance.now() - t0);
      } catch (e) {
        const why = (e as Error).message.slice(0, 80);
        failures[why] = (failures[why] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, c.concurrency) }, worker));
  if (c.clientPingSeconds > 0) startClientPings(c.clientPingSeconds * 1000);
  report({ type: 'connected', ok: connectMs.length, failures, connectMs });
}

/** The protocol's `ping` command from every socket, each at its own phase so they do not arrive together. */
function startClientPings(everyMs: number): void {
  let rid = 0;
  for (const ws of sockets) {
    const start = setTimeout(() => {
      const ping = () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'ping', rid: `h${++rid}` }));
      ping();
      pingTimers.push(setInterval(ping, everyMs));
    }, Math.random() * everyMs);
    pingTimers.push(start);
  }
}

process.on('message', (cmd: HolderCommand) => {
  if (cmd.type === 'connect') void connect(cmd);
  else if (cmd.type === 'stats') report({ type: 'stats', ...stats });
  else if (cmd.type === 'close') {
    closing = true;
    for (const t of pingTimers) clearInterval(t);
    for (const ws of sockets) ws.terminate();
    report({ type: 'closed' });
    process.disconnect();
  }
});
// The bench died without saying goodbye: do not linger holding sockets.
process.on('disconnect', () => process.exit(0));

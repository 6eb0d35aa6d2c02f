// The floor of the idle-sockets benchmark: a bare `ws` server in its own process, holding sockets
// with the same heartbeat as the gateway (a ping frame every 25 s, a socket that missed the last
// pong terminated) and answering the protocol's `auth` with `ready` and `ping` with `pong`, so the
// holders drive it exactly as they drive the real server. Its RSS per socket is what `ws` and
// Node cost before any product code. Prints nothing; sends `{ port }` over IPC once listening.
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/** The gateway's heartbeat interval (apps/server/src/platform/ws/gateway.ts, HEARTBEAT_MS). */
const HEARTBEAT_MS = 25_000;

const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, maxPayload: 1024 * 1024 });
const alive = new WeakMap<WebSocket, boolean>();

wss.on('connection', (ws) => {
  alive.set(ws, true);
  ws.on('pong', () => alive.set(ws, true));
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type?: string; rid?: string };
    if (msg.type === 'auth') ws.send(JSON.stringify({ type: 'ready', role: 'visitor' }));
    else if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', rid: msg.rid }));
  });
});

setInterval(() => {
  for (const ws of wss.clients) {
    if (alive.get(ws) === false) {
      ws.terminate();
      continue;
    }
    alive.set(ws, false);
    ws.ping();
  }
}, HEARTBEAT_MS).unref();

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));

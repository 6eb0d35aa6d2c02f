// Baseline: a bare `ws` echo server in this process, with no application behind it. Its round
// trips show what a WebSocket hop, JSON and this machine's event loops cost before any product code.
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { Samples, sleep, withTimeout } from './report.js';

export interface EchoOptions {
  sockets: number;
  /** Frames per second per socket in the loaded phase (open loop, random phase). */
  ratePerSocket: number;
  seconds: number;
  idleRoundTrips: number;
  payloadChars: number;
  signal: AbortSignal;
}

export interface EchoResult {
  idle: Samples;
  loaded: Samples;
  sent: number;
  received: number;
}

export async function wsEchoBaseline(o: EchoOptions): Promise<EchoResult> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(String(data))));
  const { port } = wss.address() as { port: number };
  const sockets: WebSocket[] = [];
  const pending = new Map<number, number>();
  const idle = new Samples();
  const loaded = new Samples();
  let target = idle;
  let nextId = 0;
  let sent = 0;
  let received = 0;
  let wake: (() => void) | null = null;
  const pad = 'x'.repeat(o.payloadChars);
  try {
    for (let i = 0; i < Math.max(1, o.sockets); i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.on('error', () => {});
      ws.on('message', (data) => {
        const now = performance.now();
        const { id } = JSON.parse(String(data)) as { id: number };
        const t0 = pending.get(id);
        if (t0 === undefined) return;
        pending.delete(id);
        received++;
        target.add(now - t0);
        wake?.();
      });
      await withTimeout(
        new Promise((r, j) => (ws.once('open', r), ws.once('error', j))),
        10_000,
        'echo socket open',
        o.signal,
      );
      sockets.push(ws);
    }
    const send = (ws: WebSocket) => {
      const id = nextId++;
      pending.set(id, performance.now());
      sent++;
      ws.send(JSON.stringify({ type: 'conversation.event', id, text: pad }));
    };

    // Idle: one socket, one frame in flight at a time.
    for (let i = 0; i < o.idleRoundTrips && !o.signal.aborted; i++) {
      const echoed = new Promise<void>((r) => (wake = r));
      send(sockets[0]!);
      await withTimeout(echoed, 5_000, 'echo round trip', o.signal);
    }
    wake = null;

    // Loaded: every socket at its rate, as the chat benchmark's clients do.
    target = loaded;
    const start = performance.now();
    const endAt = start + o.seconds * 1000;
    const timers = sockets.map((ws) => {
      const interval = 1000 / Math.max(o.ratePerSocket, 0.001);
      let k = 0;
      const phase = Math.random() * interval;
      let timer: ReturnType<typeof setTimeout>;
      const tick = () => {
        if (performance.now() >= endAt || o.signal.aborted) return;
        send(ws);
        k++;
        timer = setTimeout(tick, Math.max(0, start + phase + k * interval - performance.now()));
      };
      timer = setTimeout(tick, phase);
      return () => clearTimeout(timer);
    });
    await sleep(o.seconds * 1000, o.signal);
    timers.forEach((stop) => stop());
    const drainEnd = Date.now() + 3_000;
    while (pending.size > 0 && Date.now() < drainEnd && !o.signal.aborted) await sleep(10);
    return { idle, loaded, sent, received };
  } finally {
    for (const ws of sockets) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

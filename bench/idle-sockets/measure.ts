// One measurement of the idle-sockets benchmark against one target process (the real server or
// the bare ws floor): its RSS before the crowd, the crowd's connect, then an idle window in which
// only heartbeats flow while one extra socket (the probe) times `ping` round trips, and the
// target's RSS, heap, event-loop lag and CPU at the end of that window.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Samples, sleep, withTimeout } from '../lib/report.js';
import { cpuMsOf, residentBytes } from '../lib/proc.js';
import { machineCpuMs } from '../lib/system.js';
import { Crowd, type Connected, type CrowdOptions } from './crowd.js';
import type { HolderStats } from './holder.js';

export interface Target {
  label: string;
  pid: number;
  wsUrl: string;
  /** Where visitor sessions come from; null = the floor, which takes any token. */
  httpUrl: string | null;
  siteKey: string;
  /** The Prometheus text of the target's /metrics; null where it has none. */
  scrape: (() => Promise<string>) | null;
}

export interface MeasureOptions extends CrowdOptions {
  idleSeconds: number;
  probeIntervalMs: number;
  signal: AbortSignal;
}

/** V8 heap used and total, and memory outside it (Buffers, WebAssembly: PGlite's database), in bytes. */
export interface Heap {
  used: number;
  total: number;
  external: number;
}

export interface Measured {
  target: string;
  count: number;
  connected: Connected;
  rssEmpty: number;
  rssIdle: number;
  rssPeak: number;
  /** From the target's /metrics before the crowd and at the end of its idle window; null for the floor. */
  heapEmpty: Heap | null;
  heap: Heap | null;
  /** Event-loop delay over the idle window, ms, the 10 ms sampling interval subtracted; null for the floor. */
  lag: { p50: number; p99: number; max: number } | null;
  ping: Samples;
  /** % of one core over the phase. */
  cpu: { connect: number; idleTarget: number; idleHolders: number; idleOthers: number | null };
  /** Closes count from the connect on; pings and frames only during the idle window. */
  crowd: HolderStats;
}

/** prom-client samples its monitorEventLoopDelay histogram every 10 ms and records whole intervals. */
const LAG_RESOLUTION_MS = 10;

export async function measure(t: Target, o: MeasureOptions): Promise<Measured> {
  const crowd = new Crowd(o);
  let probe: Probe | null = null;
  try {
    // The empty reading comes after the same idle window as the crowd's (probe pinging), not right
    // after start: a fresh process still holds its start-up's garbage and would flatter the crowd.
    probe = await Probe.open(t);
    await probe.pingFor(o.idleSeconds * 1000, o.probeIntervalMs, o.signal);
    const rssEmpty = (await residentBytes(t.pid)).rss;
    const heapEmpty = t.scrape ? heapOf(parseMetrics(await t.scrape())) : null;
    const cpuBefore = await cpuMsOf(t.pid);
    const connected = await crowd.connect(t.wsUrl, t.httpUrl, t.siteKey);
    const connectCpu = ((await cpuMsOf(t.pid)) - cpuBefore) / connected.wallMs;
    if (o.signal.aborted) throw new Error('interrupted');

    await t.scrape?.(); // prom-client resets its event-loop histogram on every scrape: start the window clean
    const before = await crowd.stats();
    const start = { at: performance.now(), target: await cpuMsOf(t.pid), holders: await holdersCpuMs(crowd), machine: await machineCpuMs() };
    const bench0 = process.cpuUsage();
    const ping = await probe.pingFor(o.idleSeconds * 1000, o.probeIntervalMs, o.signal);
    const elapsed = performance.now() - start.at;
    const benchMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(bench0));
    const targetMs = (await cpuMsOf(t.pid)) - start.target;
    const holdersMs = (await holdersCpuMs(crowd)) - start.holders;
    const machine = await machineCpuMs();
    const metrics = t.scrape ? parseMetrics(await t.scrape()) : null;
    const mem = await residentBytes(t.pid);
    const othersMs = machine !== null && start.machine !== null ? Math.max(0, machine - start.machine - targetMs - holdersMs - benchMs) : null;
    return {
      target: t.label,
      count: o.count,
      connected,
      rssEmpty,
      rssIdle: mem.rss,
      rssPeak: mem.peak,
      heapEmpty,
      heap: metrics && heapOf(metrics),
      lag: metrics && {
        p50: lagMs(metrics, 'p50'),
        p99: lagMs(metrics, 'p99'),
        max: lagMs(metrics, 'max'),
      },
      ping,
      cpu: {
        connect: connectCpu * 100,
        idleTarget: (targetMs / elapsed) * 100,
        idleHolders: (holdersMs / elapsed) * 100,
        idleOthers: othersMs === null ? null : (othersMs / elapsed) * 100,
      },
      crowd: idleDelta(before, await crowd.stats()),
    };
  } finally {
    probe?.close();
    await crowd.close();
  }
}

/** Open sockets at the end; closes, heartbeat pings and frames during the idle window only. */
function idleDelta(before: HolderStats, after: HolderStats): HolderStats {
  return {
    open: after.open,
    unexpectedCloses: after.unexpectedCloses,
    serverPings: after.serverPings - before.serverPings,
    frames: after.frames - before.frames,
  };
}

function heapOf(m: Map<string, number>): Heap {
  return {
    used: m.get('nodejs_heap_size_used_bytes') ?? NaN,
    total: m.get('nodejs_heap_size_total_bytes') ?? NaN,
    external: m.get('nodejs_external_memory_bytes') ?? NaN,
  };
}

async function holdersCpuMs(crowd: Crowd): Promise<number> {
  const each = await Promise.all(crowd.pids.map((pid) => cpuMsOf(pid).catch(() => 0)));
  return each.reduce((a, b) => a + b, 0);
}

function lagMs(m: Map<string, number>, stat: string): number {
  const s = m.get(`nodejs_eventloop_lag_${stat}_seconds`);
  return s === undefined ? NaN : Math.max(0, s * 1000 - LAG_RESOLUTION_MS);
}

/** Unlabelled samples of a Prometheus text exposition (the default Node metrics are unlabelled). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_:][a-z0-9_:]*) (\S+)$/i.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** One more visitor socket, from 127.0.0.1, timing the protocol's ping → pong while the crowd idles. */
class Probe {
  private waiting: { rid: string; resolve: () => void } | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; rid?: string };
      const waiting = this.waiting;
      if (msg.type === 'pong' && waiting && msg.rid === waiting.rid) waiting.resolve();
    });
  }

  static async open(t: Target): Promise<Probe> {
    let token = 'floor';
    if (t.httpUrl) {
      const res = await fetch(`${t.httpUrl}/api/visitor/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ siteKey: t.siteKey, language: 'en', pageUrl: 'https://bench.example/probe' }),
      });
      if (!res.ok) throw new Error(`probe session: HTTP ${res.status}`);
      token = ((await res.json()) as { visitorToken: string }).visitorToken;
    }
    const ws = new WebSocket(t.wsUrl, { perMessageDeflate: false });
    ws.on('error', () => {});
    const ready = new Promise<void>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
      ws.on('message', (data) => (JSON.parse(String(data)) as { type: string }).type === 'ready' && resolve());
      ws.once('close', (code) => reject(new Error(`probe closed ${code} before ready`)));
    });
    await withTimeout(ready, 10_000, 'probe socket ready');
    return new Probe(ws);
  }

  /** Sequential round trips, one every `intervalMs`, for `ms`; a pong later than 10 s fails the run. */
  async pingFor(ms: number, intervalMs: number, signal: AbortSignal): Promise<Samples> {
    const samples = new Samples();
    const end = performance.now() + ms;
    for (let i = 0; performance.now() < end && !signal.aborted; i++) {
      const rid = `probe${i}`;
      const pong = new Promise<void>((resolve) => (this.waiting = { rid, resolve }));
      const t0 = performance.now();
      this.ws.send(JSON.stringify({ type: 'ping', rid }));
      await withTimeout(pong, 10_000, 'probe ping', signal);
      samples.add(performance.now() - t0);
      await sleep(intervalMs, signal);
    }
    return samples;
  }

  close(): void {
    this.ws.terminate();
  }
}

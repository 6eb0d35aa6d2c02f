// The idle-sockets benchmark (issue 12, item 7): for each count, the real server (a child process,
// as bench/chat starts it) holds that many connected, authenticated visitor sockets from many
// loopback addresses while only heartbeats flow; then a bare `ws` server (the floor) holds the
// same count. Reports RSS (total and per socket), heap, event-loop lag, connect time, a ping round
// trip on one extra socket and CPU while idle. The goal: 20,000 sockets in at most 1 GiB.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { REPO_ROOT, startServer, type RunningServer } from '../e2e/harness/server.js';
import type { BenchContext, BenchResult, Benchmark, Params } from './lib/bench.js';
import { fmtMs, Samples, section, table, withTimeout } from './lib/report.js';
import { childPid, mib, openFiles } from './lib/proc.js';
import { redact } from './lib/system.js';
import { CROWD_FROM_ONE_ADDRESS } from './lib/crowd-env.js';
import { BENCH_PASSWORD, provision, type Provisioned } from './chat/provision.js';
import { measure, type Measured, type MeasureOptions, type Target } from './idle-sockets/measure.js';

/** The server's default WS_MAX_CONNECTIONS_PER_IP: up to this many per address, its limits stay in force. */
const DEFAULT_SOCKETS_PER_ADDRESS = 50;
/** Descriptors the server keeps for itself (database files, listeners, pipes) beyond the crowd's sockets. */
const FD_RESERVE = 100;
const GOAL = { sockets: 20_000, bytes: 1024 * 1024 * 1024 };
const MIN_SOCKETS_TO_PROJECT = 5_000;
const FLOOR = fileURLToPath(new URL('./idle-sockets/floor-server.ts', import.meta.url));

export const idleSocketsBenchmark: Benchmark = {
  name: 'idle-sockets',
  summary: 'connected, idle visitor sockets on one node: RSS per socket, heap, event-loop lag, ping, CPU',
  params: [
    { name: 'counts', default: '1000,5000,20000', help: 'socket counts, comma-separated, one server per count' },
    { name: 'idle-seconds', default: 30, help: 'idle window (the heartbeat pings every socket each 25 s)' },
    { name: 'per-address', default: DEFAULT_SOCKETS_PER_ADDRESS, help: 'sockets per loopback source address; above 50 the per-address limits are lifted' },
    { name: 'per-holder', default: 5000, help: 'sockets per client process (each process may hold only RLIMIT_NOFILE)' },
    { name: 'connect-concurrency', default: 32, help: 'sockets being set up at once (session + WebSocket + auth)' },
    { name: 'client-ping-seconds', default: 0, help: "each socket also sends the protocol's ping this often; 0 = server heartbeat only (as the widget)" },
    { name: 'probe-interval-ms', default: 100, help: 'pause between the probe socket\'s sequential pings' },
    { name: 'baseline', default: 1, help: '1 = also measure the bare ws floor at each count, 0 = not' },
    { name: 'server-entry', default: 'apps/server/src/main.ts', help: 'server entry file (another checkout\'s, for before/after)' },
    { name: 'database-url', default: '', help: 'PostgreSQL server URL (a scratch database is created and dropped); empty = embedded PGlite' },
  ],
  run: runIdleSockets,
};

async function runIdleSockets(p: Params, ctx: BenchContext): Promise<BenchResult> {
  const problems: string[] = [];
  const counts = p.str('counts').split(',').map((s) => Math.floor(Number(s.trim()))).filter((n) => n > 0);
  const perAddress = Math.max(1, Math.floor(p.num('per-address')));
  const dbUrl = p.str('database-url');
  console.log(section('idle-sockets: parameters'));
  console.log(
    table(
      ['parameter', 'value', 'from', 'meaning'],
      idleSocketsBenchmark.params.map((s) => [s.name, s.name === 'database-url' ? (dbUrl ? redact(dbUrl) : 'embedded PGlite') : p.str(s.name), p.source(s.name), s.help]),
      'lrll',
    ),
  );
  if (counts.length === 0) return { ok: false, problems: ['--counts names no positive count'] };
  const options = (count: number): MeasureOptions => ({
    count,
    perAddress,
    perHolder: Math.max(1, Math.floor(p.num('per-holder'))),
    concurrency: Math.max(1, Math.floor(p.num('connect-concurrency'))),
    clientPingSeconds: p.num('client-ping-seconds'),
    idleSeconds: p.num('idle-seconds'),
    probeIntervalMs: p.num('probe-interval-ms'),
    signal: ctx.signal,
  });

  const results: Measured[] = [];
  const notes: string[] = [];
  for (const requested of counts) {
    if (ctx.signal.aborted) break;
    console.log(section(`idle-sockets: ${requested} sockets`));
    try {
      const server = await measureServer(requested, options, p, perAddress, notes, problems);
      results.push(server);
      report([server]);
      if (p.num('baseline') > 0) {
        const floor = await measureFloor(options(server.count));
        results.push(floor);
        report([floor]);
      }
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0]!;
      console.log(`idle-sockets: ${msg}`);
      problems.push(`${requested} sockets: ${msg}`);
    }
  }

  console.log(section('idle-sockets: all counts'));
  report(results);
  for (const n of notes) console.log(`note: ${n}`);
  for (const r of results) {
    const failed = Object.entries(r.connected.failures);
    if (failed.length) problems.push(`${r.target} ${r.count}: ${failed.map(([why, k]) => `${k}× ${why}`).join(', ')}`);
    if (r.crowd.unexpectedCloses) problems.push(`${r.target} ${r.count}: ${r.crowd.unexpectedCloses} sockets closed during the idle window`);
  }
  goalLine(results.filter((r) => r.target === 'visavis'));
  console.log(section(`idle-sockets: ${problems.length ? 'FAILED' : 'ok'}`));
  for (const pr of problems) console.log(`- ${pr}`);
  return { ok: problems.length === 0, problems };
}

async function measureServer(
  requested: number,
  options: (count: number) => MeasureOptions,
  p: Params,
  perAddress: number,
  notes: string[],
  problems: string[],
): Promise<Measured> {
  const dbUrl = p.str('database-url');
  const entry = p.str('server-entry');
  const token = randomBytes(16).toString('hex');
  let prov: Provisioned | undefined;
  let server: RunningServer | undefined;
  try {
    prov = await provision({ agents: 0, capacity: 1, ...(dbUrl ? { postgresUrl: dbUrl } : {}) });
    const env: Record<string, string> = {
      ...prov.env,
      ...(perAddress > DEFAULT_SOCKETS_PER_ADDRESS ? CROWD_FROM_ONE_ADDRESS : {}),
      LOG_LEVEL: 'warn',
      DEMO_PASSWORD: BENCH_PASSWORD,
      METRICS_TOKEN: token,
    };
    server = await startServer({ dataDir: prov.dataDir, env, entry, readyTimeoutMs: 60_000 });
    const pid = await childPid(entry);
    if (pid === null) throw new Error(`no child process runs ${entry}`);
    const files = await openFiles(pid);
    const fits = files.limit - files.open - FD_RESERVE;
    const count = Math.min(requested, fits);
    if (count < requested)
      notes.push(
        `${requested} sockets do not fit the server's open-file limit (${files.limit}, ${files.open} open at start, ` +
          `${FD_RESERVE} kept in reserve): measured ${count}; this shell cannot raise RLIMIT_NOFILE (ulimit -Hn)`,
      );
    const url = server.url;
    const target: Target = {
      label: 'visavis',
      pid,
      wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
      httpUrl: url,
      siteKey: prov.siteKey,
      scrape: async () => {
        const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        if (!res.ok) throw new Error(`/metrics: HTTP ${res.status}`);
        return res.text();
      },
    };
    const m = await measure(target, options(count));
    const errors = server.logs().split('\n').filter((l) => /"level":(50|60)/.test(l));
    if (errors.length) problems.push(`the server logged ${errors.length} errors at ${count} sockets, first: ${errors[0]!.slice(0, 300)}`);
    return m;
  } finally {
    await server?.stop();
    await prov?.cleanup();
  }
}

async function measureFloor(o: MeasureOptions): Promise<Measured> {
  const child: ChildProcess = fork(FLOOR, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await withTimeout(
      new Promise<number>((resolve, reject) => {
        child.once('message', (m: { port: number }) => resolve(m.port));
        child.once('exit', (code) => reject(new Error(`the floor server exited (code ${code})`)));
      }),
      30_000,
      'floor server listening',
    );
    return await measure(
      { label: 'bare ws', pid: child.pid!, wsUrl: `ws://127.0.0.1:${port}`, httpUrl: null, siteKey: '', scrape: null },
      o,
    );
  } finally {
    child.kill();
  }
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');

function report(rs: Measured[]): void {
  console.log(
    table(
      ['target', 'sockets', 'connect s', 'per socket p50 / p99 ms', 'RSS empty MiB', 'RSS idle MiB', 'peak MiB', 'KiB / socket', 'heap used / total MiB', 'heap KiB / socket', 'external MiB'],
      rs.map((r) => {
        const c = new Samples();
        for (const ms of r.connected.connectMs) c.add(ms);
        return [
          r.target,
          r.connected.ok,
          f1(r.connected.wallMs / 1000),
          `${fmtMs(c.percentile(50))} / ${fmtMs(c.percentile(99))}`,
          f0(mib(r.rssEmpty)),
          f0(mib(r.rssIdle)),
          f0(mib(r.rssPeak)),
          f1((r.rssIdle - r.rssEmpty) / 1024 / Math.max(1, r.connected.ok)),
          r.heap ? `${f0(mib(r.heap.used))} / ${f0(mib(r.heap.total))}` : '-',
          r.heap && r.heapEmpty ? f1((r.heap.used - r.heapEmpty.used) / 1024 / Math.max(1, r.connected.ok)) : '-',
          r.heap ? f0(mib(r.heap.external)) : '-',
        ];
      }),
    ),
  );
  console.log(
    table(
      ['target', 'sockets', 'lag p50 / p99 / max ms', 'ping n', 'ping p50 / p99 / max ms', 'CPU connect %', 'CPU idle: target / holders / others %', 'heartbeat pings in idle window', 'closed'],
      rs.map((r) => [
        r.target,
        r.connected.ok,
        r.lag ? `${fmtMs(r.lag.p50)} / ${fmtMs(r.lag.p99)} / ${fmtMs(r.lag.max)}` : '-',
        r.ping.count,
        `${fmtMs(r.ping.percentile(50))} / ${fmtMs(r.ping.percentile(99))} / ${fmtMs(r.ping.max)}`,
        f0(r.cpu.connect),
        `${f1(r.cpu.idleTarget)} / ${f1(r.cpu.idleHolders)} / ${r.cpu.idleOthers === null ? '-' : f0(r.cpu.idleOthers)}`,
        r.crowd.serverPings,
        r.crowd.unexpectedCloses,
      ]),
    ),
  );
}

/** The issue's goal, 20k sockets in ≤ 1 GiB, against the largest count measured (projected linearly when smaller). */
function goalLine(server: Measured[]): void {
  const top = server.reduce<Measured | null>((a, r) => (a && a.connected.ok >= r.connected.ok ? a : r), null);
  if (!top || top.connected.ok === 0) return;
  const perSocket = (top.rssIdle - top.rssEmpty) / top.connected.ok;
  // Below a few thousand sockets the growth is within RSS's own drift (tens of MiB): no projection.
  if (top.connected.ok < MIN_SOCKETS_TO_PROJECT) {
    console.log(`goal: ${GOAL.sockets} sockets in ≤ ${mib(GOAL.bytes)} MiB; ${top.connected.ok} sockets are too few to project from`);
    return;
  }
  const at20k = top.rssEmpty + perSocket * GOAL.sockets;
  const how = top.connected.ok >= GOAL.sockets ? 'measured' : `projected from ${top.connected.ok}`;
  console.log(
    `goal: ${GOAL.sockets} sockets in ≤ ${mib(GOAL.bytes)} MiB; RSS at ${top.connected.ok} = ${f0(mib(top.rssIdle))} MiB, ` +
      `at ${GOAL.sockets} ${how}: ${f0(mib(at20k))} MiB (${at20k <= GOAL.bytes ? 'met' : 'NOT met'})`,
  );
}

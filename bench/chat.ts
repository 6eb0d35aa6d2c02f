// The chat benchmark: the real server (a child process, as e2e tests start it), N visitors and M
// agents on real WebSockets through the client SDK, each visitor in a conversation assigned by
// the server; visitors send at a fixed rate and agents answer every message. Measures message
// latency (sender's send -> receiver's push, one process so one clock), throughput, setup times,
// next to a bare `ws` echo baseline on the same machine. Fails on any lost or duplicated message.
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startServer, type RunningServer } from '../e2e/harness/server.js';
import type { BenchContext, BenchResult, Benchmark, Params } from './lib/bench.js';
import {
  fmtMs,
  LATENCY_HEADER,
  latencyRow,
  Samples,
  section,
  sleep,
  table,
  withTimeout,
} from './lib/report.js';
import { childCpuMs, machineCpuMs, pool, redact, waitFor } from './lib/system.js';
import { wsEchoBaseline, type EchoResult } from './lib/ws-echo.js';
import { BenchAgent, BenchVisitor, Setup, Tracker } from './chat/actors.js';
import { BENCH_PASSWORD, provision, type Provisioned } from './chat/provision.js';
import { CROWD_FROM_ONE_ADDRESS } from './lib/crowd-env.js';

/** The gateway's per-connection command limit (apps/server/src/platform/ws/gateway.ts, RATE). */
const SERVER_COMMANDS_PER_SECOND = 20;
/** The event-loop delay histogram samples every 10 ms and records whole intervals: we subtract it. */
const ELD_RESOLUTION_MS = 10;

export const chatBenchmark: Benchmark = {
  name: 'chat',
  summary: 'visitors and agents chatting through the real server: message latency, throughput, setup',
  params: [
    { name: 'visitors', default: 50, help: 'visitors, one conversation each' },
    { name: 'agents', default: 5, help: 'agents (created for the run, role agent)' },
    { name: 'capacity', default: 0, help: 'conversations per agent; 0 = ceil(visitors / agents)' },
    { name: 'rate', default: 1, help: 'messages per second per visitor (each is answered by its agent)' },
    { name: 'duration', default: 20, help: 'seconds of sending (ignored when --messages is set)' },
    {
      name: 'overload-rate',
      default: 0,
      help: 'overload mode: messages/s per visitor for the first --overload-seconds, then --rate for --duration (0 = off)',
    },
    { name: 'overload-seconds', default: 10, help: 'overload mode: seconds at --overload-rate before the load drops to --rate' },
    { name: 'messages', default: 0, help: 'messages per visitor instead of a duration; 0 = use --duration' },
    { name: 'size', default: 64, help: 'characters per message text' },
    { name: 'connect-concurrency', default: 10, help: 'visitors connecting at the same time during setup' },
    {
      name: 'setup-timeout',
      default: 60,
      help: 'seconds allowed for server start, logins, connects and assignment',
    },
    {
      name: 'drain-timeout',
      default: 10,
      help: 'seconds to wait after the last send for outstanding messages',
    },
    { name: 'baseline-seconds', default: 3, help: 'seconds of the loaded ws echo baseline; 0 = no baseline' },
    {
      name: 'database-url',
      default: '',
      help: 'PostgreSQL server URL (a scratch database is created and dropped); empty = embedded PGlite',
    },
  ],
  run: runChat,
};

async function runChat(p: Params, ctx: BenchContext): Promise<BenchResult> {
  const n = Math.floor(p.num('visitors'));
  const m = Math.floor(p.num('agents'));
  const capacity = Math.floor(p.num('capacity')) || Math.ceil(n / Math.max(m, 1));
  const rate = p.num('rate');
  const overloadRate = p.num('overload-rate');
  const overloadMs = overloadRate > 0 ? p.num('overload-seconds') * 1000 : 0;
  const messages = Math.floor(p.num('messages'));
  const duration = messages > 0 ? messages / rate : p.num('duration');
  const size = Math.max(1, Math.floor(p.num('size')));
  const setupMs = p.num('setup-timeout') * 1000;
  const drainMs = p.num('drain-timeout') * 1000;
  const dbUrl = p.str('database-url');
  const problems: string[] = [];

  console.log(section('chat: parameters'));
  const paramRows = chatBenchmark.params.map((s) => {
    const v =
      s.name === 'capacity'
        ? capacity
        : s.name === 'database-url'
          ? dbUrl
            ? redact(dbUrl)
            : 'embedded PGlite'
          : p.str(s.name);
    return [s.name, String(v), p.source(s.name), s.help];
  });
  console.log(table(['parameter', 'value', 'from', 'meaning'], paramRows, 'lrll'));
  if (n < 1 || m < 1 || rate <= 0) return fail(problems, 'visitors, agents and rate must be positive');
  if (capacity * m < n)
    return fail(problems, `agents × capacity = ${capacity * m} < ${n} visitors: some would stay queued`);
  if (overloadRate > 0 && messages > 0) return fail(problems, '--overload-rate needs --duration, not --messages');
  const peak = Math.max(rate, overloadRate);
  if (capacity * peak > SERVER_COMMANDS_PER_SECOND * 0.9 || peak > SERVER_COMMANDS_PER_SECOND * 0.9) {
    console.log(
      `WARNING: an agent answers ${capacity} conversations × ${peak}/s = ${capacity * peak} messages/s; the server ` +
        `rate-limits each WebSocket to ${SERVER_COMMANDS_PER_SECOND} commands/s (burst 60), so expect RATE_LIMITED errors.`,
    );
  }

  // 1. The baseline, before the server starts (the CPU rows below show what else ran meanwhile).
  let echo: EchoResult | null = null;
  if (p.num('baseline-seconds') > 0) {
    echo = await wsEchoBaseline({
      sockets: n,
      ratePerSocket: 2 * rate,
      seconds: p.num('baseline-seconds'),
      idleRoundTrips: 500,
      payloadChars: size + 300,
      signal: ctx.signal,
    });
    if (echo.received !== echo.sent)
      problems.push(`baseline: ${echo.sent - echo.received} echo frames not returned`);
  }

  // 2. Database, server, agents, visitors; everything inside one cleanup.
  const setup = new Setup();
  const tracker = new Tracker();
  const agents: BenchAgent[] = [];
  const visitors: BenchVisitor[] = [];
  const wall = new Map<string, number>();
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  let prov: Provisioned | undefined;
  let server: RunningServer | undefined;
  let serverLogAtEnd = '';
  const stamp = async <T>(label: string, work: Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const v = await withTimeout(work, setupMs, label, ctx.signal);
    wall.set(label, performance.now() - t0);
    return v;
  };
  let missing = { lost: 0, unanswered: 0 };
  let window = {
    start: 0,
    end: 0,
    benchCpuMs: 0,
    serverCpuMs: null as number | null,
    othersCpuMs: null as number | null,
  };
  try {
    prov = await stamp(
      'prepare database (migrate, seed, agents)',
      provision({ agents: m, capacity, ...(dbUrl ? { postgresUrl: dbUrl } : {}) }),
    );
    // Every simulated visitor and agent connects from 127.0.0.1: lift the per-address socket cap.
    const env = { ...prov.env, ...CROWD_FROM_ONE_ADDRESS, LOG_LEVEL: 'warn', DEMO_PASSWORD: BENCH_PASSWORD, INACTIVITY_MINUTES: '60' };
    server = await stamp(
      'start server (until /readyz)',
      startServer({ dataDir: prov.dataDir, env, readyTimeoutMs: setupMs }),
    );
    const url = server.url;
    for (const email of prov.agentEmails)
      agents.push(new BenchAgent(url, email, BENCH_PASSWORD, tracker, setup, size));
    await stamp(`${m} agents: login, WebSocket, online`, Promise.all(agents.map((a) => a.start())));
    for (let i = 0; i < n; i++) visitors.push(new BenchVisitor(i, url, prov.siteKey, tracker, setup));
    await stamp(
      `${n} visitors: session, WebSocket, conversation.start`,
      pool(visitors, p.num('connect-concurrency'), (v) => v.start()),
    );
    await stamp(
      '… until every conversation is assigned and followed by its agent',
      waitFor(() => allAssigned(setup, visitors.length), ctx.signal),
    );

    // 3. Measure: open-loop sends for the duration (or count), then drain.
    const cpu0 = process.cpuUsage();
    const server0 = await childCpuMs();
    const machine0 = await machineCpuMs();
    eld.enable();
    window.start = performance.now();
    const endAt = messages > 0 ? Infinity : window.start + overloadMs + duration * 1000;
    tracker.overloadEndsAt = overloadMs > 0 ? window.start + overloadMs : 0;
    const overload = overloadMs > 0 ? { rate: overloadRate, until: window.start + overloadMs } : null;
    for (const v of visitors) v.startSending(rate, endAt, messages, size, overload);
    const sendLimit = (overloadMs + duration * 1000) * 1.5 + 10_000;
    await withTimeout(
      waitFor(() => visitors.every((v) => v.finished), ctx.signal),
      sendLimit,
      'sending',
      ctx.signal,
    );
    const drainEnd = Date.now() + drainMs;
    while (tracker.outstanding > 0 && Date.now() < drainEnd && !ctx.signal.aborted) await sleep(10);
    window.end = performance.now();
    eld.disable();
    const cpu = process.cpuUsage(cpu0);
    const server1 = await childCpuMs();
    const machine1 = await machineCpuMs();
    const benchCpuMs = (cpu.user + cpu.system) / 1000;
    const serverCpuMs = server0 !== null && server1 !== null ? server1 - server0 : null;
    const othersCpuMs =
      machine0 !== null && machine1 !== null && serverCpuMs !== null
        ? Math.max(0, machine1 - machine0 - benchCpuMs - serverCpuMs)
        : null;
    window = { ...window, benchCpuMs, serverCpuMs, othersCpuMs };
    serverLogAtEnd = server.logs();
  } catch (e) {
    const msg = (e as Error).message;
    console.log(`chat: ${msg}`);
    problems.push(msg.split('\n')[0]!);
    const c = [...setup.convs.values()];
    const ours = new Set(agents.map((a) => a.profile?.id));
    if (window.start === 0)
      problems.push(
        `state: ${c.filter((x) => x.start).length}/${n} conversations started, ${c.filter((x) => x.visitorAssigned).length} ` +
          `assigned, ${c.filter((x) => x.agentReady).length} followed by their agent, ` +
          `${visitors.filter((v) => v.assignedTo && !ours.has(v.assignedTo)).length} assigned outside the benchmark's agents`,
      );
    serverLogAtEnd = server?.logs() ?? '';
    if (server && !msg.includes('--- server output'))
      console.log(`--- server output (last 2000 chars) ---\n${serverLogAtEnd.slice(-2000)}`);
  } finally {
    missing = tracker.freeze(); // before teardown, whose DISCONNECTED rejections are ours
    for (const v of visitors) v.close();
    for (const a of agents) a.close();
    await server?.stop().catch((e: Error) => problems.push(`server stop: ${e.message}`));
    await prov?.cleanup().catch((e: Error) => problems.push(`cleanup: ${e.message}`));
  }

  report({
    n,
    rate,
    overloadRate,
    echo,
    setup,
    tracker,
    missing,
    wall,
    eld,
    window,
    agents,
    problems,
    serverLog: serverLogAtEnd,
  });
  return { ok: problems.length === 0, problems };
}

interface ReportInput {
  n: number;
  rate: number;
  overloadRate: number;
  echo: EchoResult | null;
  setup: Setup;
  tracker: Tracker;
  missing: { lost: number; unanswered: number };
  wall: Map<string, number>;
  eld: ReturnType<typeof monitorEventLoopDelay>;
  window: {
    start: number;
    end: number;
    benchCpuMs: number;
    serverCpuMs: number | null;
    othersCpuMs: number | null;
  };
  agents: BenchAgent[];
  problems: string[];
  serverLog: string;
}

function report(r: ReportInput): void {
  const t = r.tracker;
  const lat = t.latency;
  const all = lat['visitor→agent'].merge(lat['agent→visitor']);
  console.log(section("chat: message latency, sender's send → receiver's push"));
  const rows: (string | number)[][] = [];
  if (r.echo) {
    rows.push(latencyRow('baseline: bare ws echo round trip, 1 socket idle', r.echo.idle));
    rows.push(
      latencyRow(`baseline: bare ws echo round trip, ${r.n} sockets × ${2 * r.rate}/s`, r.echo.loaded),
    );
  }
  rows.push(latencyRow('visitor → agent', lat['visitor→agent']));
  rows.push(latencyRow('agent → visitor', lat['agent→visitor']));
  rows.push(latencyRow('all messages', all));
  rows.push(latencyRow("sender's ack (send → ack: stored)", t.ack));
  if (t.overloadEndsAt > 0) {
    rows.push(latencyRow('overload mode: sent during the overload', t.phase.overload));
    rows.push(latencyRow('overload mode: sent in the first 5 s after it', t.phase.recovering));
    rows.push(latencyRow('overload mode: sent later', t.phase.recovered));
  }
  console.log(table(LATENCY_HEADER, rows));

  const seconds = Math.max(1e-9, (r.window.end - r.window.start) / 1000);
  const active = t.lastReceiveAt > t.firstSendAt ? (t.lastReceiveAt - t.firstSendAt) / 1000 : NaN;
  const { lost, unanswered } = r.missing;
  const errors = fmtCounts(t.errors);
  const pct = (ms: number | null) =>
    ms === null || r.window.end === 0 ? 'n/a' : `${((ms / 1000 / seconds) * 100).toFixed(0)}%`;
  const cores = os.cpus().length;
  const lag = (v: number) => fmtMs(Math.max(0, v / 1e6 - ELD_RESOLUTION_MS));
  console.log(section('chat: delivery and throughput'));
  console.log(
    table(
      ['', 'value'],
      [
        [
          'messages sent (visitor → agent + agent → visitor)',
          `${t.sentCount} (${t.sentBy['visitor→agent']} + ${t.sentBy['agent→visitor']})`,
        ],
        ['delivered', all.count],
        ['lost (acked, never pushed to the other side)', lost],
        ['unanswered (no ack, no error, no push)', unanswered],
        ['duplicated (delivered twice by the SDK)', t.duplicates],
        ['send errors', errors],
        ['error frames without rid (request never settles)', fmtCounts(t.errorsWithoutRid)],
        [
          'OVERLOADED refusals, resent by the SDK (during the overload / after it)',
          t.overloadEndsAt > 0 ? `${t.refusals.overload} / ${t.refusals.after}` : t.refusals.overload + t.refusals.after,
        ],
        ['unexpected messages', t.unexpected],
        ['raw duplicate frames (dropped by the SDK)', t.rawDuplicateFrames],
        ['reconnects', t.reconnects],
        ['first send → last delivery, s', active.toFixed(2)],
        ['delivered messages/s', (all.count / active).toFixed(1)],
        [
          'offered messages/s (visitors + answers)',
          t.overloadEndsAt > 0 ? `${(r.n * r.overloadRate * 2).toFixed(1)}, then ${(r.n * r.rate * 2).toFixed(1)}` : (r.n * r.rate * 2).toFixed(1),
        ],
        [
          `CPU, % of one core (${cores} cores = ${cores * 100}%): bench process (clients)`,
          pct(r.window.benchCpuMs),
        ],
        ['CPU: server process', pct(r.window.serverCpuMs)],
        ['CPU: everything else on this machine (noise)', pct(r.window.othersCpuMs)],
        [
          'bench event-loop lag p50 / p99 / max, ms',
          `${lag(r.eld.percentile(50))} / ${lag(r.eld.percentile(99))} / ${lag(r.eld.max)}`,
        ],
      ],
    ),
  );

  console.log(section('chat: setup'));
  const conv = [...r.setup.convs.values()];
  const since = (f: 'visitorAssigned' | 'agentInbox' | 'agentReady') => {
    const s = new Samples();
    for (const c of conv) if (c.start !== undefined && c[f] !== undefined) s.add(c[f]! - c.start);
    return s;
  };
  const setupRows = [...r.setup.phases].map(([k, s]) => latencyRow(k, s));
  setupRows.push(latencyRow('conversation.start → visitor sees assigned', since('visitorAssigned')));
  setupRows.push(latencyRow('conversation.start → agent inbox.updated', since('agentInbox')));
  setupRows.push(latencyRow('conversation.start → agent follows it', since('agentReady')));
  console.log(table(LATENCY_HEADER, setupRows));
  console.log(
    table(
      ['wall time', 'ms'],
      [...r.wall].map(([k, v]) => [k, fmtMs(v)]),
    ),
  );
  const loads = r.agents.map((a) => a.conversations);
  const offers = r.agents.reduce((k, a) => k + a.offersAccepted, 0);
  if (loads.length)
    console.log(
      `conversations per agent: ${loads.join(', ')}${offers ? `; offers accepted: ${offers}` : ''}`,
    );

  const errLines = r.serverLog.split('\n').filter((l) => /"level":(50|60)/.test(l));
  if (errLines.length)
    r.problems.push(`the server logged ${errLines.length} errors, first: ${errLines[0]!.slice(0, 300)}`);
  if (lost)
    r.problems.push(
      `${lost} messages lost (acked as stored, never pushed to the other side within the drain timeout)`,
    );
  if (unanswered)
    r.problems.push(`${unanswered} messages unanswered (no ack or error from the server, never delivered)`);
  if (t.errorsWithoutRid.size) r.problems.push(`error frames without rid: ${fmtCounts(t.errorsWithoutRid)}`);
  if (t.duplicates) r.problems.push(`${t.duplicates} messages delivered twice`);
  if (t.errors.size) r.problems.push(`send errors: ${errors}`);
  if (t.unexpected) r.problems.push(`${t.unexpected} unexpected messages`);
  console.log(section(`chat: ${r.problems.length ? 'FAILED' : 'ok'}`));
  for (const pr of r.problems) console.log(`- ${pr}`);
}

function fmtCounts(m: Map<string, number>): string {
  return [...m].map(([code, k]) => `${k} ${code}`).join(', ') || '0';
}

function fail(problems: string[], msg: string): BenchResult {
  problems.push(msg);
  console.log(`chat: ${msg}`);
  return { ok: false, problems };
}

function allAssigned(setup: Setup, n: number): boolean {
  let k = 0;
  for (const c of setup.convs.values())
    if (c.start !== undefined && c.visitorAssigned !== undefined && c.agentReady !== undefined) k++;
  return k >= n;
}

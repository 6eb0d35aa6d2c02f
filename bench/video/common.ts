// Shared parts of the video benchmarks (bench/video.ts): parameters, the run frame, pairing
// parties, and reading media and CPU figures.
import os from 'node:os';
import type { JanusIceMode } from '../../apps/server/src/adapters/janus/janus-config.js';
import type { BenchContext, BenchResult, Benchmark, Params, ParamSpec } from '../lib/bench.js';
import { section, table } from '../lib/report.js';
import {
  descendantsCpuMs,
  machineCpuMs,
  EXTRA_CHROMIUM_ARGS,
  processCpuMs,
  VideoEnv,
  type CameraOptions,
  type Party,
} from './env.js';
import { agentParty, visitorParty, type Pair, type Profile } from './flow.js';
import type { MediaCounters } from './page/entry.js';

// ---------------------------------------------------------------- parameters

export function cameraParams(d: {
  profile: string;
  width: number;
  height: number;
  fps: number;
}): ParamSpec[] {
  return [
    { name: 'profile', default: d.profile, help: 'call profile asked for in call.start (360p, 720p, 1080p)' },
    { name: 'width', default: d.width, help: 'canvas camera width' },
    { name: 'height', default: d.height, help: 'canvas camera height' },
    { name: 'fps', default: d.fps, help: 'canvas camera frame rate (captureStream)' },
  ];
}
export const CAMERA_PARAMS = cameraParams({ profile: '720p', width: 1280, height: 720, fps: 30 });

export function cameraOf(p: Params, decode: boolean): CameraOptions {
  return { width: p.num('width'), height: p.num('height'), fps: p.num('fps'), decode };
}

export function profileOf(p: Params): Profile {
  const v = p.str('profile');
  if (v !== '360p' && v !== '720p' && v !== '1080p')
    throw new Error(`--profile: "${v}" is not 360p, 720p or 1080p`);
  return v;
}

export function printParams(b: Benchmark, p: Params): void {
  console.log(section(`${b.name}: parameters`));
  console.log(
    table(
      ['parameter', 'value', 'source'],
      b.params.map((s) => [
        s.name,
        typeof s.default === 'number' ? p.num(s.name) : p.str(s.name),
        p.source(s.name),
      ]),
    ),
  );
}

// ---------------------------------------------------------------- shared run frame

export interface Run {
  env: VideoEnv;
  parties: Party[];
  problems: string[];
}

/** Starts the environment, runs `fn`, and always tears everything down; adds page and server errors. */
export async function withEnv(
  ctx: BenchContext,
  agents: number,
  fn: (run: Run) => Promise<void>,
  janusIce?: JanusIceMode,
): Promise<BenchResult> {
  const t0 = Date.now();
  const env = await VideoEnv.start({ agents, capacity: 5, signal: ctx.signal, ...(janusIce ? { janusIce } : {}) });
  const run: Run = { env, parties: [], problems: [] };
  try {
    const serverPid = await env.serverPid();
    console.log(section('environment'));
    console.log(
      [
        `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
        `Janus 1.1 in network namespace ${env.janus.netns.name}, ICE ${janusIce ?? 'full'}: API ${env.janus.url}, pid ${env.janusPid() ?? '?'}; root end of the veth pair ${env.janus.netns.hostAddress}`,
        `server: ${env.server.url} (pid ${serverPid ?? '?'}), JANUS_URL=${env.janus.url}, embedded PGlite, LOG_LEVEL=warn`,
        `Chromium ${env.browser.version()} headless, one browser context per party; extra flags: ${EXTRA_CHROMIUM_ARGS.join(' ')}`,
        `ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      ].join('\n'),
    );
    await fn(run);
  } catch (e) {
    run.problems.push((e as Error).message);
    console.error(`\n${(e as Error).stack ?? String(e)}`);
    const tail = env.server.logs().trim().split('\n').slice(-15);
    console.error(`--- last server log lines ---\n${tail.map((l) => l.slice(0, 400)).join('\n')}`);
  } finally {
    for (const party of run.parties) {
      if (party.errors.length)
        run.problems.push(`${party.label}: page error: ${party.errors[0]!.split('\n')[0]}`);
    }
    const serverErrors = env.server
      .logs()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    if (serverErrors.length) {
      run.problems.push(
        `${serverErrors.length} error line(s) in the server log, first: ${serverErrors[0]!.slice(0, 300)}`,
      );
    }
    await env.close();
  }
  return { ok: run.problems.length === 0, problems: run.problems };
}

export async function pairUp(
  run: Run,
  count: number,
  camera: CameraOptions,
  signal: AbortSignal,
): Promise<Pair[]> {
  const agents: Party[] = [];
  for (let i = 0; i < count; i++) {
    const a = await agentParty(run.env, i, camera, signal);
    agents.push(a);
    run.parties.push(a);
  }
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const pair = await visitorParty(run.env, i, agents, camera, signal);
    run.parties.push(pair.visitor);
    pairs.push(pair);
  }
  return pairs;
}

export const pct = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)}` : '-');
export const kbps = (bytes: number, ms: number) => (ms > 0 ? (bytes * 8) / ms : NaN);

export function sizesText(sizes: Record<string, number>): string {
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  return (
    Object.entries(sizes)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${Math.round((v / Math.max(total, 1)) * 100)}%`)
      .join(', ') || '-'
  );
}

export function addSizes(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Received-video and sent-video figures of one page between two counter snapshots. */
export function mediaDelta(a: MediaCounters, b: MediaCounters) {
  const ms = b.at - a.at;
  const frames = b.framesDecoded - a.framesDecoded;
  const emitted = b.jitterBufferEmitted - a.jitterBufferEmitted;
  const encoded = b.framesEncoded - a.framesEncoded;
  return {
    inKbps: kbps(b.bytesIn - a.bytesIn, ms),
    outKbps: kbps(b.bytesOut - a.bytesOut, ms),
    decodedFps: (frames / ms) * 1000,
    dropped: b.framesDropped - a.framesDropped,
    lost: b.packetsLost - a.packetsLost,
    nacks: b.nacks - a.nacks,
    jitterBufferMs: emitted > 0 ? ((b.jitterBufferDelay - a.jitterBufferDelay) / emitted) * 1000 : NaN,
    decodeMs: frames > 0 ? ((b.decodeTime - a.decodeTime) / frames) * 1000 : NaN,
    encodeMs: encoded > 0 ? ((b.encodeTime - a.encodeTime) / encoded) * 1000 : NaN,
    layers: b.layers,
  };
}

export interface CpuReading {
  at: number;
  /** CPU time, ms (null: process gone or not readable). */
  server: number | null;
  janus: number | null;
  browsers: number;
  machine: number | null;
  bench: NodeJS.CpuUsage;
}

/** CPU times of the server, Janus, Chromium, the whole machine and this process, in one quick snapshot. */
export async function readCpu(env: VideoEnv): Promise<CpuReading> {
  const [serverPid, janusPid] = [await env.serverPid(), env.janusPid()];
  // Synchronous from here (env.ts reads /proc synchronously): nothing else runs between the reads.
  const t0 = performance.now();
  const r = {
    machine: machineCpuMs(),
    server: processCpuMs(serverPid),
    janus: processCpuMs(janusPid),
    bench: process.cpuUsage(),
    browsers: descendantsCpuMs(/chrom/i),
  };
  return { ...r, at: (t0 + performance.now()) / 2 };
}

export interface CpuShares {
  /** % of one core between two readings. */
  server: number;
  janus: number;
  browsers: number;
  bench: number;
  machine: number;
  /** Everything else on the machine (other people's work): machine - the above. */
  others: number;
}

export function cpuShares(a: CpuReading, b: CpuReading): CpuShares {
  const ms = b.at - a.at;
  const share = (x: number | null, y: number | null) =>
    x === null || y === null ? NaN : ((y - x) / ms) * 100;
  const used = (u: NodeJS.CpuUsage) => u.user + u.system;
  const bench = ((used(b.bench) - used(a.bench)) / 1000 / ms) * 100;
  const r = {
    server: share(a.server, b.server),
    janus: share(a.janus, b.janus),
    browsers: share(a.browsers, b.browsers),
    bench,
    machine: share(a.machine, b.machine),
  };
  return { ...r, others: r.machine - r.server - r.janus - r.browsers - r.bench };
}

export const cpuText = (c: CpuShares) =>
  `server ${pct(c.server)}, Janus ${pct(c.janus)}, Chromium ${pct(c.browsers)}, bench ${pct(c.bench)}, machine busy ${pct(c.machine)} of 200, of which others ${pct(c.others)}`;

// The video benchmarks (issue 4): the real server's call flow through a real Janus, in Chromium.
//
//   video-latency  glass-to-glass latency through Janus, then directly browser-to-browser (the floor)
//   video-setup    call set-up time: the visitor's call.start -> first remote frame on each side
//   video-cpu      server and Janus CPU per concurrent call at 1, 5 and 10 calls
//
// How it is put together (bench/video/*): Janus runs in a network namespace of the run's own
// (startTestJanus); the server (a child process, e2e harness) and Chromium stay in the root
// namespace and reach Janus at the namespace address. Each party is a page in its own browser
// context, on the server's origin, running the SDK's Connection and CallSession unchanged (bundled
// on the fly with esbuild); its camera is a canvas drawing a time code, its microphone an
// oscillator. See bench/README.md for the method and its limits.
import os from 'node:os';
import { CALL_PROFILES } from '@visavis/protocol';
import type { BenchContext, BenchResult, Benchmark, Params, ParamSpec } from './lib/bench.js';
import { fmtMs, Samples, section, sleep, table } from './lib/report.js';
import {
  descendantsCpuMs,
  machineCpuMs,
  EXTRA_CHROMIUM_ARGS,
  processCpuMs,
  VideoEnv,
  vv,
  type CameraOptions,
  type Party,
} from './video/env.js';
import {
  agentParty,
  hangup,
  startCall,
  until,
  visitorParty,
  type CallResult,
  type Pair,
  type Profile,
} from './video/flow.js';
import type { MediaCounters } from './video/page/entry.js';

// ---------------------------------------------------------------- parameters

function cameraParams(d: { profile: string; width: number; height: number; fps: number }): ParamSpec[] {
  return [
    { name: 'profile', default: d.profile, help: 'call profile asked for in call.start (360p, 720p, 1080p)' },
    { name: 'width', default: d.width, help: 'canvas camera width' },
    { name: 'height', default: d.height, help: 'canvas camera height' },
    { name: 'fps', default: d.fps, help: 'canvas camera frame rate (captureStream)' },
  ];
}
const CAMERA_PARAMS = cameraParams({ profile: '720p', width: 1280, height: 720, fps: 30 });

function cameraOf(p: Params, decode: boolean): CameraOptions {
  return { width: p.num('width'), height: p.num('height'), fps: p.num('fps'), decode };
}

function profileOf(p: Params): Profile {
  const v = p.str('profile');
  if (v !== '360p' && v !== '720p' && v !== '1080p')
    throw new Error(`--profile: "${v}" is not 360p, 720p or 1080p`);
  return v;
}

function printParams(b: Benchmark, p: Params): void {
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

interface Run {
  env: VideoEnv;
  parties: Party[];
  problems: string[];
}

/** Starts the environment, runs `fn`, and always tears everything down; adds page and server errors. */
async function withEnv(
  ctx: BenchContext,
  agents: number,
  fn: (run: Run) => Promise<void>,
): Promise<BenchResult> {
  const t0 = Date.now();
  const env = await VideoEnv.start({ agents, capacity: 5, signal: ctx.signal });
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
        `Janus 1.1 in network namespace ${env.janus.netns.name}: API ${env.janus.url}, pid ${env.janusPid() ?? '?'}; root end of the veth pair ${env.janus.netns.hostAddress}`,
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

async function pairUp(run: Run, count: number, camera: CameraOptions, signal: AbortSignal): Promise<Pair[]> {
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

const pct = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)}` : '-');
const kbps = (bytes: number, ms: number) => (ms > 0 ? (bytes * 8) / ms : NaN);

function sizesText(sizes: Record<string, number>): string {
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  return (
    Object.entries(sizes)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${Math.round((v / Math.max(total, 1)) * 100)}%`)
      .join(', ') || '-'
  );
}

function addSizes(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Received-video and sent-video figures of one page between two counter snapshots. */
function mediaDelta(a: MediaCounters, b: MediaCounters) {
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

interface CpuReading {
  at: number;
  /** CPU time, ms (null: process gone or not readable). */
  server: number | null;
  janus: number | null;
  browsers: number;
  machine: number | null;
  bench: NodeJS.CpuUsage;
}

/** CPU times of the server, Janus, Chromium, the whole machine and this process, in one quick snapshot. */
async function readCpu(env: VideoEnv): Promise<CpuReading> {
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

interface CpuShares {
  /** % of one core between two readings. */
  server: number;
  janus: number;
  browsers: number;
  bench: number;
  machine: number;
  /** Everything else on the machine (other people's work): machine - the above. */
  others: number;
}

function cpuShares(a: CpuReading, b: CpuReading): CpuShares {
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

const cpuText = (c: CpuShares) =>
  `server ${pct(c.server)}, Janus ${pct(c.janus)}, Chromium ${pct(c.browsers)}, bench ${pct(c.bench)}, machine busy ${pct(c.machine)} of 200, of which others ${pct(c.others)}`;

// ---------------------------------------------------------------- video-latency

type Direction = 'visitor→agent' | 'agent→visitor';
type PathName = 'janus' | 'direct';

interface DirectionFigures {
  samples: Samples;
  frames: number;
  bad: number;
  repeats: number;
  sizes: Record<string, number>;
  /** p50 per slice, to see whether latency drifts during the window. */
  sliceP50: number[];
}

/** One measurement window: one or two paths measured at the same time. */
interface Window {
  figures: Partial<Record<PathName, Record<Direction, DirectionFigures>>>;
  seconds: number;
  /** Per page: media figures (every live PeerConnection of the page) and canvas frames drawn per second. */
  media: { label: string; delta: ReturnType<typeof mediaDelta>; drawnFps: number }[];
  cpu: CpuShares;
}

/** Warm-up, then `seconds` of reading the time code of every frame the receiving pages show, in slices. */
async function measure(
  env: VideoEnv,
  pair: Pair,
  paths: PathName[],
  directions: Direction[],
  o: { warmup: number; seconds: number; slice: number },
  signal: AbortSignal,
): Promise<Window> {
  await pair.visitor.page.bringToFront();
  await pair.agent.page.bringToFront();
  await sleep(o.warmup * 1000, signal);
  const receiving = directions.map((d): [Direction, Party] => [
    d,
    d === 'visitor→agent' ? pair.agent : pair.visitor,
  ]);
  const figures: Window['figures'] = {};
  for (const path of paths) {
    const dirs = {} as Record<Direction, DirectionFigures>;
    for (const d of directions)
      dirs[d] = { samples: new Samples(), frames: 0, bad: 0, repeats: 0, sizes: {}, sliceP50: [] };
    figures[path] = dirs;
  }
  for (const [, page] of receiving) await vv.take(page);
  const pages = [pair.visitor, pair.agent];
  const c0 = await Promise.all(pages.map(vv.counters));
  const d0 = await Promise.all(pages.map(vv.drawn));
  const cpu0 = await readCpu(env);
  const t0 = Date.now();
  for (let done = 0; done < o.seconds && !signal.aborted; done += o.slice) {
    await sleep(Math.min(o.slice, o.seconds - done) * 1000, signal);
    for (const [d, page] of receiving) {
      const reports = await vv.take(page);
      for (const path of paths) {
        const f = figures[path]![d];
        const slice = new Samples();
        for (const { stats: st } of reports.filter((r) => r.path === path)) {
          for (const l of st.latencies) {
            f.samples.add(l);
            slice.add(l);
          }
          f.frames += st.frames;
          f.bad += st.bad;
          f.repeats += st.repeats;
          addSizes(f.sizes, st.sizes);
        }
        f.sliceP50.push(slice.percentile(50));
      }
    }
  }
  const elapsed = (Date.now() - t0) / 1000;
  const cpu1 = await readCpu(env);
  const c1 = await Promise.all(pages.map(vv.counters));
  const d1 = await Promise.all(pages.map(vv.drawn));
  return {
    figures,
    seconds: elapsed,
    media: pages.map((pg, i) => ({
      label: pg.label,
      delta: mediaDelta(c0[i]!, c1[i]!),
      drawnFps: (d1[i]! - d0[i]!) / elapsed,
    })),
    cpu: cpuShares(cpu0, cpu1),
  };
}

const allSamples = (dirs: Record<Direction, DirectionFigures>) =>
  new Samples().merge(...Object.values(dirs).map((d) => d.samples));

/** Sets up the direct path between the two pages (the visitor's camera to the agent, and back if two-way). */
async function startDirect(
  run: Run,
  pair: Pair,
  twoWay: boolean,
  maxBitrate: number,
  signal: AbortSignal,
): Promise<void> {
  await run.env.linkDirect(pair.agent, pair.visitor, maxBitrate);
  await pair.agent.page.evaluate((on) => window.VV.directConfig(on), twoWay);
  await pair.visitor.page.evaluate(() => window.VV.directConfig(true));
  await pair.agent.page.evaluate((br) => window.VV.directOffer(br), maxBitrate);
  await until(
    'direct path: video flowing',
    async () => {
      const reports = [...(await vv.take(pair.agent)), ...(await vv.take(pair.visitor))];
      return reports.filter((r) => r.path === 'direct' && r.stats.frames > 0).length;
    },
    (n) => n === (twoWay ? 2 : 1),
    15_000,
    signal,
    100,
  );
}

async function runLatency(p: Params, ctx: BenchContext): Promise<BenchResult> {
  printParams(videoLatencyBenchmark, p);
  const profile = profileOf(p);
  const camera = cameraOf(p, true);
  const timing = { warmup: p.num('warmup'), seconds: p.num('seconds'), slice: Math.max(1, p.num('slice')) };
  const maxBitrate = CALL_PROFILES[profile].maxBitrate;
  const twoWay = p.num('directions') >= 2;
  const together = p.str('mode') !== 'apart';
  if (!['together', 'apart'].includes(p.str('mode')))
    throw new Error(`--mode: "${p.str('mode')}" is not together or apart`);
  const directions: Direction[] = twoWay ? ['visitor→agent', 'agent→visitor'] : ['visitor→agent'];
  return withEnv(ctx, 1, async (run) => {
    const [pair] = await pairUp(run, 1, camera, ctx.signal);
    /** Each measured path, with the window it was measured in. */
    const results: {
      path: string;
      dirs: Record<Direction, DirectionFigures>;
      window: Window;
      windowLabel: string;
    }[] = [];
    const windows: { label: string; w: Window }[] = [];
    const add = (label: string, w: Window, names: Partial<Record<PathName, string>>) => {
      windows.push({ label, w });
      for (const [k, name] of Object.entries(names))
        results.push({ path: name, dirs: w.figures[k as PathName]!, window: w, windowLabel: label });
    };

    // The call through the server's flow and Janus.
    const call = await startCall(pair!, profile, 20_000, ctx.signal);
    console.log(
      `\ncall ${call.callId} up: first remote frame at the agent ${fmtMs(call.agent.firstFrame! - call.visitor.start!)} ms, ` +
        `at the visitor ${fmtMs(call.visitor.firstFrame! - call.visitor.start!)} ms after call.start`,
    );
    // One direction: the agent turns its camera off as the product does (CallSession.setVideo(false):
    // track disabled, call.configure video false, so Janus stops relaying it) and its canvas stops.
    if (!twoWay) await pair!.agent.page.evaluate(() => window.VV.setCamera(false));
    if (together) {
      await startDirect(run, pair!, twoWay, maxBitrate, ctx.signal);
      console.log(`measuring both paths at once: ${timing.warmup} s warm-up + ${timing.seconds} s`);
      add('together', await measure(run.env, pair!, ['janus', 'direct'], directions, timing, ctx.signal), {
        janus: 'Janus',
        direct: 'direct',
      });
    } else {
      console.log(
        `measuring the paths one after the other: ${timing.warmup} s warm-up + ${timing.seconds} s each`,
      );
      add('Janus', await measure(run.env, pair!, ['janus'], directions, timing, ctx.signal), {
        janus: 'Janus',
      });
    }
    if (ctx.signal.aborted) throw new Error('interrupted');
    const after = [await vv.times(pair!.visitor, call.callId), await vv.times(pair!.agent, call.callId)];
    await hangup(pair!, call.callId, ctx.signal);
    if (!together) {
      await startDirect(run, pair!, twoWay, maxBitrate, ctx.signal);
      add('direct', await measure(run.env, pair!, ['direct'], directions, timing, ctx.signal), {
        direct: 'direct',
      });
      if (p.num('loaded-floor') > 0) {
        // The same, with the sending pages also encoding the call's two lower simulcast layers.
        const senders = twoWay ? [pair!.agent, pair!.visitor] : [pair!.visitor];
        await Promise.all(
          senders.map((pg) => pg.page.evaluate((br) => window.VV.directLoad(br), maxBitrate)),
        );
        await until(
          'direct path: extra encoders connected',
          async () =>
            (
              await Promise.all(senders.map((pg) => pg.page.evaluate(() => window.VV.directLoadState())))
            ).flat(),
          (st) => st.length === senders.length * 2 && st.every((x) => x === 'connected'),
          15_000,
          ctx.signal,
          100,
        );
        add('direct+load', await measure(run.env, pair!, ['direct'], directions, timing, ctx.signal), {
          direct: 'direct+load',
        });
      }
    }
    await Promise.all(
      [pair!.agent, pair!.visitor].map((pg) => pg.page.evaluate(() => window.VV.directClose())),
    );

    // Report.
    console.log(
      section(
        `video-latency: glass-to-glass, ${camera.width}x${camera.height} canvas camera at ${camera.fps} fps, profile ${profile}, ` +
          `${twoWay ? 'both directions' : "visitor's camera to the agent"}, paths measured ${together ? 'at the same time' : 'one after the other'}`,
      ),
    );
    const rows: (string | number)[][] = [];
    for (const r of results) {
      for (const d of directions) {
        const x = r.dirs[d];
        rows.push([
          r.path,
          d,
          x.samples.count,
          fmtMs(x.samples.mean),
          fmtMs(x.samples.percentile(50)),
          fmtMs(x.samples.percentile(95)),
          fmtMs(x.samples.percentile(99)),
          fmtMs(x.samples.max),
          (x.frames / r.window.seconds).toFixed(1),
          x.bad,
          sizesText(x.sizes),
        ]);
      }
      const m = allSamples(r.dirs);
      if (twoWay)
        rows.push([
          r.path,
          'both',
          m.count,
          fmtMs(m.mean),
          fmtMs(m.percentile(50)),
          fmtMs(m.percentile(95)),
          fmtMs(m.percentile(99)),
          fmtMs(m.max),
          '',
          '',
          '',
        ]);
    }
    console.log(
      table(
        [
          'path',
          'direction',
          'frames',
          'mean ms',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'fps shown',
          'bad codes',
          'received size',
        ],
        rows,
      ),
    );
    const j = allSamples(results[0]!.dirs);
    console.log('');
    for (const r of results.slice(1)) {
      const dr = allSamples(r.dirs);
      console.log(
        `Janus / ${r.path}${twoWay ? ' (both directions)' : ''}: p50 ${fmtMs(j.percentile(50))} / ${fmtMs(dr.percentile(50))} ms = ${(j.percentile(50) / dr.percentile(50)).toFixed(2)}x, ` +
          `p95 ${fmtMs(j.percentile(95))} / ${fmtMs(dr.percentile(95))} ms = ${(j.percentile(95) / dr.percentile(95)).toFixed(2)}x; ` +
          `means ${fmtMs(j.mean)} / ${fmtMs(dr.mean)} ms = ${(j.mean / dr.mean).toFixed(2)}x (values come in 16.7 ms display frames)`,
      );
    }
    console.log(section(`per-slice p50 (ms), ${timing.slice} s slices, to see drift`));
    const slices = results[0]!.dirs[directions[0]!].sliceP50.length;
    console.log(
      table(
        [
          'path',
          'direction',
          ...Array.from({ length: slices }, (_, i) => `${i * timing.slice}-${(i + 1) * timing.slice} s`),
        ],
        results.flatMap((r) => directions.map((d) => [r.path, d, ...r.dirs[d].sliceP50.map(fmtMs)])),
      ),
    );
    console.log(section("media on each page during each window (all of the page's PeerConnections)"));
    console.log(
      table(
        [
          'window',
          'page',
          'sent kbps',
          'recv kbps',
          'decoded fps',
          'dropped',
          'lost/NACKs',
          'jitter buffer ms',
          'decode ms/frame',
          'encode ms/frame',
          'canvas fps',
          'sent video layers',
        ],
        windows.flatMap(({ label, w }) =>
          w.media.map((m) => [
            label,
            m.label,
            m.delta.outKbps.toFixed(0),
            m.delta.inKbps.toFixed(0),
            m.delta.decodedFps.toFixed(1),
            m.delta.dropped,
            `${m.delta.lost}/${m.delta.nacks}`,
            fmtMs(m.delta.jitterBufferMs),
            fmtMs(m.delta.decodeMs),
            fmtMs(m.delta.encodeMs),
            m.drawnFps.toFixed(0),
            m.delta.layers.join('; '),
          ]),
        ),
      ),
    );
    for (const { label, w } of windows)
      console.log(`CPU during the ${label} window (% of one core): ${cpuText(w.cpu)}`);
    console.log(
      `simulcast layer chosen by the server (call.quality) during the call: visitor ${after[0]?.layers.join(' ') || '-'}, agent ${after[1]?.layers.join(' ') || '-'}`,
    );
    for (const r of results) {
      for (const d of directions) {
        if (r.dirs[d].samples.count < r.window.seconds * 5)
          run.problems.push(`${r.path} ${d}: only ${r.dirs[d].samples.count} decoded time codes`);
      }
    }
  });
}

export const videoLatencyBenchmark: Benchmark = {
  name: 'video-latency',
  summary:
    'glass-to-glass video latency through the server call flow and Janus, and browser-to-browser directly (the floor)',
  params: [
    { name: 'seconds', default: 20, help: 'measured seconds (per path with --mode apart)' },
    { name: 'warmup', default: 5, help: 'seconds before measuring (bandwidth estimate ramp-up)' },
    { name: 'slice', default: 5, help: 'seconds per slice of the drift table' },
    {
      name: 'mode',
      default: 'together',
      help: 'together = the Janus call and the direct path run and are measured at the same time, same camera, same machine load; apart = one after the other',
    },
    {
      name: 'directions',
      default: 1,
      help: "1 = the visitor's camera to the agent (the agent's camera off); 2 = both ways at once (both pages encode and decode)",
    },
    {
      name: 'loaded-floor',
      default: 1,
      help: "with --mode apart: 1 = also measure the direct path with the sender encoding the call's two lower simulcast layers too",
    },
    ...CAMERA_PARAMS,
  ],
  run: runLatency,
};

// ---------------------------------------------------------------- video-setup

const MILESTONES: { label: string; side: 'visitor' | 'agent'; key: keyof CallResult['visitor'] }[] = [
  { label: 'visitor: call.start acked', side: 'visitor', key: 'startAck' },
  { label: 'agent: call.ringing event', side: 'agent', key: 'ringing' },
  { label: 'agent: call.accept acked', side: 'agent', key: 'acceptAck' },
  { label: 'visitor: call.join', side: 'visitor', key: 'join' },
  { label: 'agent: call.join', side: 'agent', key: 'join' },
  { label: 'visitor: first PeerConnection connected', side: 'visitor', key: 'connected' },
  { label: 'agent: first PeerConnection connected', side: 'agent', key: 'connected' },
  { label: 'visitor: CallSession.start() done', side: 'visitor', key: 'started' },
  { label: 'agent: CallSession.start() done', side: 'agent', key: 'started' },
  { label: 'agent: remote track', side: 'agent', key: 'remote' },
  { label: 'visitor: remote track', side: 'visitor', key: 'remote' },
  { label: 'AGENT: first remote frame', side: 'agent', key: 'firstFrame' },
  { label: 'VISITOR: first remote frame', side: 'visitor', key: 'firstFrame' },
];

async function runSetup(p: Params, ctx: BenchContext): Promise<BenchResult> {
  printParams(videoSetupBenchmark, p);
  const profile = profileOf(p);
  const camera = cameraOf(p, false);
  const n = Math.max(1, Math.floor(p.num('calls')));
  const gap = p.num('gap');
  const timeout = p.num('call-timeout') * 1000;
  return withEnv(ctx, 1, async (run) => {
    const [pair] = await pairUp(run, 1, camera, ctx.signal);
    const samples = new Map(MILESTONES.map((m) => [m.label, new Samples()]));
    const both = new Samples();
    const subscribeCount = new Samples();
    const firstFrameOnce = new Samples();
    const firstFrameTwice = new Samples();
    let refused = 0;
    let failed = 0;
    const t0 = Date.now();
    for (let i = 0; i < n && !ctx.signal.aborted; i++) {
      let r: CallResult;
      try {
        r = await startCall(pair!, profile, timeout, ctx.signal);
      } catch (e) {
        failed++;
        run.problems.push(`call ${i + 1}: ${(e as Error).message.split('\n')[0]}`);
        if (failed >= 3) throw new Error('three calls failed: giving up');
        await sleep(2_000, ctx.signal);
        continue;
      }
      // CallSession.start() may resolve after the first frames: wait for it, then read the final times.
      const settled = await until(
        `call ${r.callId}: CallSession.start() done on both pages`,
        async () => [await vv.times(pair!.visitor, r.callId), await vv.times(pair!.agent, r.callId)] as const,
        ([v, a]) => v?.started !== undefined && a?.started !== undefined,
        5_000,
        ctx.signal,
      ).catch(() => null);
      if (settled) r = { ...r, visitor: settled[0]!, agent: settled[1]! };
      for (const t of [r.visitor, r.agent]) {
        subscribeCount.add(t.subscribes);
        refused += t.subscribesRefused;
        // A party that subscribed successfully twice got the call.feed push while its first
        // subscription was under way (the SDK then subscribes once more, one after the other).
        (t.subscribes - t.subscribesRefused > 1 ? firstFrameTwice : firstFrameOnce).add(
          t.firstFrame! - r.visitor.start!,
        );
      }
      const zero = r.visitor.start!;
      for (const m of MILESTONES) {
        const v = r[m.side][m.key];
        if (typeof v === 'number') samples.get(m.label)!.add(v - zero);
      }
      both.add(Math.max(r.agent.firstFrame!, r.visitor.firstFrame!) - zero);
      await hangup(pair!, r.callId, ctx.signal);
      await sleep(gap, ctx.signal);
    }
    const errors = { visitor: await vv.errorFrames(pair!.visitor), agent: await vv.errorFrames(pair!.agent) };

    console.log(
      section(
        `video-setup: ${n} calls one after another, ${((Date.now() - t0) / 1000).toFixed(1)} s; ms after the visitor's call.start`,
      ),
    );
    const rows = MILESTONES.map((m) => {
      const s = samples.get(m.label)!;
      return [m.label, s.count, fmtMs(s.percentile(50)), fmtMs(s.percentile(95)), fmtMs(s.max)];
    });
    rows.push([
      'BOTH sides showing video',
      both.count,
      fmtMs(both.percentile(50)),
      fmtMs(both.percentile(95)),
      fmtMs(both.max),
    ]);
    console.log(table(['milestone', 'n', 'p50 ms', 'p95 ms', 'max ms'], rows));
    console.log(
      `\nfailed calls: ${failed}; error frames seen by the pages: visitor ${JSON.stringify(errors.visitor)}, agent ${JSON.stringify(errors.agent)}` +
        `\ncall.subscribe requests per party and call: mean ${subscribeCount.mean.toFixed(2)}, max ${subscribeCount.max}; refused ${refused}` +
        `\nfirst remote frame (either side) when the party subscribed once: n ${firstFrameOnce.count}, p50 ${fmtMs(firstFrameOnce.percentile(50))} ms;` +
        ` when it subscribed twice (call.feed push during its first subscription): n ${firstFrameTwice.count}, p50 ${fmtMs(firstFrameTwice.percentile(50))} ms` +
        `\n(MEDIA_UNAVAILABLE: CallSession.start()'s early call.subscribe before the other side's PeerConnection is up, which the SDK` +
        ` ignores (it subscribes on the call.feed push that follows); CALL_NOT_RINGING: a trickle or stats report that reached the server` +
        ` after the hang-up)`,
    );
  });
}

export const videoSetupBenchmark: Benchmark = {
  name: 'video-setup',
  summary:
    "video call set-up time: visitor's call.start -> first decoded remote frame at the agent and at the visitor",
  params: [
    { name: 'calls', default: 20, help: 'calls, one after another (same visitor and agent)' },
    { name: 'gap', default: 500, help: 'ms between hanging up and the next call.start' },
    { name: 'call-timeout', default: 15, help: 'seconds for a call to show video on both sides' },
    ...CAMERA_PARAMS,
  ],
  run: runSetup,
};

// ---------------------------------------------------------------- video-cpu

interface CpuWindow {
  calls: number;
  seconds: number;
  cpu: CpuShares;
  /** Media through Janus, kbps: browsers -> Janus (published) and Janus -> browsers (forwarded). */
  upKbps: number;
  downKbps: number;
  /** RTP packets per second into and out of Janus (as the browsers count them). */
  packetsPerSecond: number;
  /** Per received video stream: mean decoded fps and the sizes shown. */
  rxFps: number;
  rxSizes: Record<string, number>;
  layers: string[];
}

async function cpuWindow(
  run: Run,
  pages: Party[],
  calls: number,
  seconds: number,
  signal: AbortSignal,
): Promise<CpuWindow> {
  const janusPid = run.env.janusPid();
  await Promise.all(pages.map(vv.take));
  const c0 = await Promise.all(pages.map(vv.counters));
  const a = await readCpu(run.env);
  await sleep(seconds * 1000, signal);
  const b = await readCpu(run.env);
  const c1 = await Promise.all(pages.map(vv.counters));
  const rx = (await Promise.all(pages.map(vv.take))).flat().map((r) => r.stats);
  if (run.env.janusPid() !== janusPid) throw new Error('Janus restarted during the window');
  // Media rates over the pages' own clock (their counters' time stamps).
  const ms = c1.reduce((acc, c, i) => acc + (c.at - c0[i]!.at), 0) / Math.max(1, c1.length);
  let up = 0;
  let down = 0;
  let packets = 0;
  for (let i = 0; i < pages.length; i++) {
    up += c1[i]!.bytesOut - c0[i]!.bytesOut;
    down += c1[i]!.bytesIn - c0[i]!.bytesIn;
    packets += c1[i]!.packetsOut - c0[i]!.packetsOut + c1[i]!.packetsIn - c0[i]!.packetsIn;
  }
  const rxSizes: Record<string, number> = {};
  for (const s of rx) addSizes(rxSizes, s.sizes);
  const streams = rx.filter((s) => s.frames > 0);
  return {
    calls,
    seconds: ms / 1000,
    cpu: cpuShares(a, b),
    upKbps: kbps(up, ms),
    downKbps: kbps(down, ms),
    packetsPerSecond: (packets / ms) * 1000,
    rxFps: streams.length
      ? streams.reduce((acc, s) => acc + s.frames, 0) / streams.length / (ms / 1000)
      : NaN,
    rxSizes,
    layers: c1.flatMap((c) => c.layers),
  };
}

async function runCpu(p: Params, ctx: BenchContext): Promise<BenchResult> {
  printParams(videoCpuBenchmark, p);
  const profile = profileOf(p);
  const camera = cameraOf(p, false);
  const levels = p
    .str('levels')
    .split(',')
    .map((s) => Math.floor(Number(s.trim())))
    .filter((x) => x > 0)
    .sort((x, y) => x - y);
  if (levels.length === 0) throw new Error('--levels: no call counts');
  const max = levels[levels.length - 1]!;
  const windowSeconds = p.num('window');
  const warmup = p.num('warmup');
  return withEnv(ctx, max, async (run) => {
    const pairs = await pairUp(run, max, camera, ctx.signal);
    const perAgent = new Map<string, number>();
    for (const pr of pairs) perAgent.set(pr.agent.label, (perAgent.get(pr.agent.label) ?? 0) + 1);
    console.log(
      `\n${max} visitors and ${max} agents connected; conversations per agent: ${[...perAgent.values()].join(' ')}`,
    );
    const pages = run.parties;
    const windows: CpuWindow[] = [];
    console.log(`idle window (no call), ${windowSeconds} s`);
    windows.push(await cpuWindow(run, pages, 0, windowSeconds, ctx.signal));
    const live: { pair: Pair; callId: string }[] = [];
    try {
      for (const level of levels) {
        if (ctx.signal.aborted) throw new Error('interrupted');
        const t0 = Date.now();
        while (live.length < level) {
          const pair = pairs[live.length]!;
          const r = await startCall(pair, profile, 20_000, ctx.signal);
          live.push({ pair, callId: r.callId });
        }
        console.log(
          `${level} call(s) up (+${((Date.now() - t0) / 1000).toFixed(1)} s); ${warmup} s warm-up, ${windowSeconds} s window`,
        );
        await sleep(warmup * 1000, ctx.signal);
        const w = await cpuWindow(run, pages, level, windowSeconds, ctx.signal);
        windows.push(w);
        console.log(
          `  server ${pct(w.cpu.server)} %, Janus ${pct(w.cpu.janus)} %, Chromium ${pct(w.cpu.browsers)} %, machine ${pct(w.cpu.machine)} %; ` +
            `media in/out ${w.upKbps.toFixed(0)}/${w.downKbps.toFixed(0)} kbps, ${fmtMs(w.rxFps)} fps per received stream`,
        );
      }
    } finally {
      for (const c of live) await hangup(c.pair, c.callId, ctx.signal).catch(() => undefined);
    }

    const idle = windows[0]!;
    console.log(
      section(
        `video-cpu: % of one core (${os.cpus().length} cores = ${os.cpus().length * 100} %), profile ${profile}, ${camera.width}x${camera.height}@${camera.fps} canvas camera`,
      ),
    );
    console.log(
      table(
        [
          'calls',
          'server',
          'server/call',
          'server/call above idle',
          'Janus',
          'Janus/call',
          'Janus/call above idle',
          'Chromium',
          'machine busy',
          'others',
        ],
        windows.map(({ calls: n, cpu: c }) => [
          n,
          pct(c.server),
          n ? pct(c.server / n) : '-',
          n ? pct((c.server - idle.cpu.server) / n) : '-',
          pct(c.janus),
          n ? pct(c.janus / n) : '-',
          n ? pct((c.janus - idle.cpu.janus) / n) : '-',
          pct(c.browsers),
          pct(c.machine),
          pct(c.others),
        ]),
      ),
    );
    console.log(
      section('video-cpu: media through Janus during each window (Janus CPU above idle per unit of media)'),
    );
    console.log(
      table(
        [
          'calls',
          'in kbps',
          'out kbps',
          'in+out kbps/call',
          'packets/s',
          'Janus % per Mbps',
          'Janus % per 1000 pkt/s',
          'received fps/stream',
          'received sizes',
        ],
        windows.map((w) => {
          const above = w.cpu.janus - idle.cpu.janus;
          return [
            w.calls,
            w.upKbps.toFixed(0),
            w.downKbps.toFixed(0),
            w.calls ? ((w.upKbps + w.downKbps) / w.calls).toFixed(0) : '-',
            w.packetsPerSecond.toFixed(0),
            w.calls ? pct(above / ((w.upKbps + w.downKbps) / 1000)) : '-',
            w.calls ? pct(above / (w.packetsPerSecond / 1000)) : '-',
            fmtMs(w.rxFps),
            sizesText(w.rxSizes),
          ];
        }),
      ),
    );
    for (const w of windows.slice(1)) {
      if (w.rxFps < camera.fps * 0.8) {
        console.log(
          `note: at ${w.calls} calls the browsers did not keep up (${fmtMs(w.rxFps)} of ${camera.fps} fps received per stream, Chromium ${pct(w.cpu.browsers)} %): ` +
            'Janus forwarded less media than the calls would send on their own machines, so read its CPU per unit of media',
        );
      }
    }
    console.log('\nsent video layers (all publishers; rid size: how many, mean fps, limitations):');
    for (const w of windows.slice(1)) {
      const groups = new Map<string, { n: number; fps: number; why: Set<string> }>();
      for (const l of w.layers) {
        const [rid, size, fps, why] = l.split(' ');
        const g = groups.get(`${rid} ${size}`) ?? { n: 0, fps: 0, why: new Set<string>() };
        g.n++;
        g.fps += parseFloat(fps ?? '0');
        if (why) g.why.add(why);
        groups.set(`${rid} ${size}`, g);
      }
      const text = [...groups].map(
        ([k, g]) => `${k}: ${g.n}, ${(g.fps / g.n).toFixed(0)} fps, ${[...g.why].join('/') || '-'}`,
      );
      console.log(`  ${w.calls} call(s): ${text.join('; ')}`);
    }
  });
}

export const videoCpuBenchmark: Benchmark = {
  name: 'video-cpu',
  summary: 'server (control plane) and Janus CPU per concurrent video call at 1, 5 and 10 calls',
  params: [
    {
      name: 'levels',
      default: '1,5,10',
      help: 'concurrent calls to measure at, comma-separated (one visitor + one agent page each)',
    },
    { name: 'window', default: 8, help: 'seconds of CPU accounting per level (and for the idle baseline)' },
    { name: 'warmup', default: 4, help: 'seconds after the calls are up before the window' },
    // Two browser parties per call share this machine's cores with the server and Janus: at 720p
    // one call already takes ~60 % of the machine. See bench/README.md.
    ...cameraParams({ profile: '360p', width: 640, height: 360, fps: 15 }),
  ],
  run: runCpu,
};

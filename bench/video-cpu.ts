// video-cpu: server and Janus CPU per concurrent call.
// How the video benchmarks are put together: bench/video.ts.
import os from 'node:os';
import type { BenchContext, BenchResult, Benchmark, Params } from './lib/bench.js';
import { fmtMs, section, sleep, table } from './lib/report.js';
import { vv, type Party } from './video/env.js';
import { hangup, startCall, type Pair } from './video/flow.js';
import {
  cameraParams,
  cameraOf,
  profileOf,
  printParams,
  type Run,
  withEnv,
  pairUp,
  pct,
  kbps,
  sizesText,
  addSizes,
  readCpu,
  type CpuShares,
  cpuShares,
} from './video/common.js';

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

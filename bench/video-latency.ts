// video-latency: glass-to-glass latency through Janus and directly browser-to-browser, in one run.
// How the video benchmarks are put together: bench/video.ts.
import { CALL_PROFILES } from '@visavis/protocol';
import type { BenchContext, BenchResult, Benchmark, Params } from './lib/bench.js';
import { fmtMs, Samples, section, sleep, table } from './lib/report.js';
import { VideoEnv, vv, type Party } from './video/env.js';
import { hangup, startCall, until, type Pair } from './video/flow.js';
import {
  CAMERA_PARAMS,
  cameraOf,
  profileOf,
  printParams,
  type Run,
  withEnv,
  pairUp,
  sizesText,
  addSizes,
  mediaDelta,
  readCpu,
  type CpuShares,
  cpuShares,
  cpuText,
} from './video/common.js';

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

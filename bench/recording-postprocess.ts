// Post-processing cost of a recorded call (janus-pp-rec output → composite WebM): wall and CPU
// time per minute of call for the side-by-side composite of two parties, and, as the baseline in
// the same run, one party re-encoded alone (what a single tile costs). The inputs are synthetic
// VP8 + Opus files of the given length, as janus-pp-rec produces them from a call's .mjr files.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderPlan } from '../apps/server/src/recording/composite.js';
import { childCpuSeconds, synthAudio, synthVideo } from '../apps/server/src/recording/media-fixtures.js';
import { planComposite, type ConvertedStream } from '../apps/server/src/recording/plan.js';
import { DEFAULT_MEDIA_TOOLS as tools } from '../apps/server/src/recording/tools.js';
import { fromFunction } from './lib/bench.js';

const T0 = 1_800_000_000_000_000; // µs, a wall-clock time as in .mjr headers

export const recordingPostprocessBenchmark = fromFunction(
  'recording-postprocess',
  'post-processing time per call minute: two-party composite vs one party alone (ffmpeg, VP8)',
  async (p, { signal }) => {
    const seconds = p.num('seconds');
    const size = p.str('size');
    const [tw, th] = p.str('tile').split('x').map(Number) as [number, number];
    const opts = { fps: p.num('fps'), maxTile: { width: tw, height: th } };
    const [w, h] = size.split('x').map(Number) as [number, number];
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vv-bench-rec-'));
    const f = (n: string) => path.join(dir, n);
    const stream = (party: 'agent' | 'visitor', kind: 'audio' | 'video', file: string): ConvertedStream => ({
      party, kind, path: f(file), n: 1, codec: kind === 'video' ? 'vp8' : 'opus', firstPacketUs: T0, durationMs: seconds * 1000,
      ...(kind === 'video' ? { width: w, height: h } : {}),
    });
    try {
      await Promise.all([
        synthVideo(tools.ffmpeg, f('a.webm'), { seconds, size }),
        synthAudio(tools.ffmpeg, f('a.opus'), { seconds }),
        synthVideo(tools.ffmpeg, f('v.webm'), { seconds, size, source: 'testsrc2' }),
        synthAudio(tools.ffmpeg, f('v.opus'), { seconds, freq: 660 }),
      ]);
      const runs: { what: string; streams: ConvertedStream[] }[] = [
        { what: 'one party alone (baseline)', streams: [stream('agent', 'video', 'a.webm'), stream('agent', 'audio', 'a.opus')] },
        {
          what: 'composite, two parties',
          streams: [
            stream('agent', 'video', 'a.webm'), stream('agent', 'audio', 'a.opus'),
            stream('visitor', 'video', 'v.webm'), stream('visitor', 'audio', 'v.opus'),
          ],
        },
      ];
      console.log(
        `recording-postprocess: ${seconds} s per party of ${size}@30 in, tiles up to ${p.str('tile')}@${opts.fps} out, ` +
          `load average ${os.loadavg()[0]!.toFixed(1)}`,
      );
      console.log('  what                         wall ms   CPU s   wall ms / call min   CPU s / call min   output KiB');
      for (const r of runs) {
        if (signal.aborted) break;
        const { plan } = planComposite(r.streams, opts);
        const out = f(`${r.streams.length}.webm`);
        const cpu0 = await childCpuSeconds();
        const t0 = performance.now();
        await renderPlan(plan, out, tools.ffmpeg, { deadline: Date.now() + 900_000, signal });
        const ms = performance.now() - t0;
        const cpu = (await childCpuSeconds()) - cpu0;
        const perMin = 60 / seconds;
        console.log(
          `  ${r.what.padEnd(28)} ${String(Math.round(ms)).padStart(7)} ${cpu.toFixed(1).padStart(7)} ` +
            `${String(Math.round(ms * perMin)).padStart(20)} ${(cpu * perMin).toFixed(1).padStart(18)} ` +
            `${String(Math.round((await stat(out)).size / 1024)).padStart(12)}`,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  [
    { name: 'seconds', default: 60, help: 'length of each party’s synthetic recording' },
    { name: 'size', default: '1280x720', help: 'each party’s video size (WxH), as received' },
    { name: 'tile', default: '640x360', help: 'largest composite tile (RECORDING_COMPOSITE_TILE)' },
    { name: 'fps', default: 15, help: 'composite frame rate (RECORDING_COMPOSITE_FPS)' },
  ],
);

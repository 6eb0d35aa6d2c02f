import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaRecording } from '../ports/media-server.js';
import { renderPlan } from './composite.js';
import { childrenNamed, concatCopy, mediaToolsUnavailable, meanLuma, synthAudio, synthVideo } from './media-fixtures.js';
import { planComposite, type ConvertedStream } from './plan.js';
import { postProcessCall, PostProcessError, probeMedia } from './postprocess.js';
import { DEFAULT_MEDIA_TOOLS as tools } from './tools.js';

// ffmpeg (Debian's ffmpeg, installed by scripts/setup.sh --test).
// Like the other janus suites: skipped with a warning outside CI, a failure in CI.
const unavailable = await mediaToolsUnavailable(Object.values(tools));
if (unavailable && process.env.CI) throw new Error(`the recording suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[recording] skipped: ${unavailable}`);

const T = 1_800_000_000_000_000; // µs, a wall-clock time as in RecordingArtefact.startUs
const LEFT = { x: 0, y: 0, w: 640, h: 360 };
const RIGHT = { x: 640, y: 0, w: 640, h: 360 };
// The background (TILE_COLOR) reads as ~17 here, the test pictures as ~130.
const isDark = (luma: number) => luma < 45;
/** A media server that recorded nothing (an empty directory); the real decoder: adapters/janus/recording. */
const nothingRecorded: Pick<MediaRecording, 'artefacts'> = { artefacts: async () => ({ artefacts: [], skipped: [] }) };

describe.skipIf(unavailable)('recording post-processing with ffmpeg', () => {
  let dir: string;
  const f = (name: string) => path.join(dir, name);
  const stream = (o: Partial<ConvertedStream> & Pick<ConvertedStream, 'party' | 'kind' | 'path'>): ConvertedStream => ({
    n: 1,
    codec: o.kind === 'video' ? 'vp8' : 'opus',
    firstPacketUs: T,
    durationMs: 10_000,
    ...(o.kind === 'video' ? { width: 640, height: 360 } : {}),
    ...o,
  });
  const limits = () => ({ deadline: Date.now() + 60_000 });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vv-rec-test-'));
    await Promise.all([
      synthVideo(tools.ffmpeg, f('a10.webm'), { seconds: 10 }),
      synthAudio(tools.ffmpeg, f('a10.opus'), { seconds: 10, freq: 440 }),
      synthVideo(tools.ffmpeg, f('v8.webm'), { seconds: 8, source: 'testsrc2' }),
      synthAudio(tools.ffmpeg, f('v8.opus'), { seconds: 8, freq: 660 }),
      synthVideo(tools.ffmpeg, f('land.webm'), { seconds: 3 }),
      synthVideo(tools.ffmpeg, f('port.webm'), { seconds: 3, size: '360x640', source: 'testsrc2' }),
    ]);
    await concatCopy(tools.ffmpeg, [f('land.webm'), f('port.webm')], f('list.txt'), f('rotating.webm'));
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('composites two parties side by side, the later one shifted, audio mixed', async () => {
    const { plan } = planComposite([
      stream({ party: 'agent', kind: 'video', path: f('a10.webm') }),
      stream({ party: 'agent', kind: 'audio', path: f('a10.opus') }),
      stream({ party: 'visitor', kind: 'video', path: f('v8.webm'), firstPacketUs: T + 2_000_000, durationMs: 8000 }),
      stream({ party: 'visitor', kind: 'audio', path: f('v8.opus'), firstPacketUs: T + 2_000_000, durationMs: 8000 }),
    ]);
    const out = f('two.webm');
    const t0 = performance.now();
    await renderPlan(plan, out, tools.ffmpeg, limits());
    console.log(`[recording] 10 s two-party composite in ${Math.round(performance.now() - t0)} ms`);
    const info = await probeMedia(out, tools.ffprobe);
    expect(info).toMatchObject({ hasVideo: true, hasAudio: true, width: 1280, height: 360, videoCodec: 'vp8', audioCodec: 'opus' });
    expect(Math.abs(info.durationMs - 10_000)).toBeLessThanOrEqual(300);
    // The visitor started publishing 2 s after the agent: dark until then, then its picture.
    expect(isDark(await meanLuma(tools.ffmpeg, out, 1, RIGHT))).toBe(true);
    expect(isDark(await meanLuma(tools.ffmpeg, out, 1, LEFT))).toBe(false);
    expect(isDark(await meanLuma(tools.ffmpeg, out, 5, RIGHT))).toBe(false);
  }, 60_000);

  it('shows a dark tile for a party that sent audio only', async () => {
    const { plan } = planComposite([
      stream({ party: 'agent', kind: 'video', path: f('a10.webm') }),
      stream({ party: 'visitor', kind: 'audio', path: f('v8.opus'), durationMs: 8000 }),
    ]);
    const out = f('dark.webm');
    await renderPlan(plan, out, tools.ffmpeg, limits());
    const info = await probeMedia(out, tools.ffprobe);
    expect(info).toMatchObject({ hasVideo: true, hasAudio: true, width: 1280, height: 360 });
    for (const t of [1, 5, 9]) expect(isDark(await meanLuma(tools.ffmpeg, out, t, RIGHT))).toBe(true);
  }, 60_000);

  it('makes the composite from a single party', async () => {
    const { plan } = planComposite([
      stream({ party: 'visitor', kind: 'video', path: f('v8.webm'), durationMs: 8000 }),
      stream({ party: 'visitor', kind: 'audio', path: f('v8.opus'), durationMs: 8000 }),
    ]);
    const out = f('single.webm');
    await renderPlan(plan, out, tools.ffmpeg, limits());
    const info = await probeMedia(out, tools.ffprobe);
    expect(info).toMatchObject({ hasVideo: true, hasAudio: true, width: 640, height: 360 });
    expect(Math.abs(info.durationMs - 8000)).toBeLessThanOrEqual(300);
  }, 60_000);

  it('keeps showing a video whose resolution changes mid-stream (landscape → portrait)', async () => {
    const { plan } = planComposite([stream({ party: 'agent', kind: 'video', path: f('rotating.webm'), durationMs: 6000 })]);
    const out = f('rotating-out.webm');
    await renderPlan(plan, out, tools.ffmpeg, limits());
    expect(await probeMedia(out, tools.ffprobe)).toMatchObject({ width: 640, height: 360 });
    expect(isDark(await meanLuma(tools.ffmpeg, out, 1.5, LEFT))).toBe(false);
    // Portrait part: letterboxed in the middle of the tile, dark at the sides.
    expect(isDark(await meanLuma(tools.ffmpeg, out, 4.5, { x: 260, y: 0, w: 120, h: 360 }))).toBe(false);
    expect(isDark(await meanLuma(tools.ffmpeg, out, 4.5, { x: 0, y: 0, w: 200, h: 360 }))).toBe(true);
  }, 60_000);

  it('kills ffmpeg at the deadline and on abort, leaving no process behind', async () => {
    const { plan } = planComposite([
      stream({ party: 'agent', kind: 'video', path: f('a10.webm') }),
      stream({ party: 'visitor', kind: 'video', path: f('v8.webm'), durationMs: 8000 }),
    ]);
    // Several moments: while the processes start, while they probe the pipes, and halfway through
    // the encode, measured here, since a fixed moment can fall after the end on a fast machine.
    const started = Date.now();
    await renderPlan(plan, f('whole.webm'), tools.ffmpeg, limits());
    const halfway = Math.round((Date.now() - started) / 2);
    for (const ms of [0, 50, halfway]) {
      const t0 = Date.now();
      const err = await renderPlan(plan, f('late.webm'), tools.ffmpeg, { deadline: Date.now() + ms }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PostProcessError);
      expect((err as PostProcessError).code).toBe('timeout');
      expect(Date.now() - t0 - ms).toBeLessThan(3000);
      expect(await childrenNamed('ffmpeg')).toEqual([]);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), ms);
      const aborted = renderPlan(plan, f('aborted.webm'), tools.ffmpeg, { deadline: Date.now() + 60_000, signal: ac.signal });
      await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
      expect(await childrenNamed('ffmpeg')).toEqual([]);
    }
  }, 60_000);

  it('reports missing tools as tool_missing and empty directories as no_media', async () => {
    const missing = { ...tools, ffmpeg: '/nonexistent/ffmpeg' };
    await expect(postProcessCall({ dir, recording: nothingRecorded, workDir: f('w0'), tools: missing })).rejects.toMatchObject({ code: 'tool_missing' });
    await expect(postProcessCall({ dir: f('empty'), recording: nothingRecorded, workDir: f('w1') })).rejects.toMatchObject({ code: 'no_media' });
  });
});

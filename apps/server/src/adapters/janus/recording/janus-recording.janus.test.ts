import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaToolsUnavailable, meanLuma } from '../../../recording/media-fixtures.js';
import { postProcessCall, probeMedia } from '../../../recording/postprocess.js';
import { DEFAULT_MEDIA_TOOLS } from '../../../recording/tools.js';
import { JanusRecording } from './janus-recording.js';
import { synthMjr } from './mjr-fixtures.js';

// janus-pp-rec and ffmpeg (Debian's janus-tools and ffmpeg, installed by scripts/setup.sh --test).
// Like the other janus suites: skipped with a warning outside CI, a failure in CI.
const tools = { ...DEFAULT_MEDIA_TOOLS, ppRec: '/usr/bin/janus-pp-rec' };
const unavailable = await mediaToolsUnavailable(Object.values(tools));
if (unavailable && process.env.CI) throw new Error(`the recording suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[recording] skipped: ${unavailable}`);

const T = 1_800_000_000_000_000; // µs, a wall-clock time as in .mjr headers
const LEFT = { x: 0, y: 0, w: 640, h: 360 };
const RIGHT = { x: 640, y: 0, w: 640, h: 360 };
// The background (TILE_COLOR) reads as ~17 here, the test pictures as ~130.
const isDark = (luma: number) => luma < 45;

describe.skipIf(unavailable)('Janus recordings decoded for post-processing (janus-pp-rec, ffmpeg)', () => {
  let dir: string;
  const f = (name: string) => path.join(dir, name);
  const janusRecording = (ppRec = tools.ppRec) => new JanusRecording({ rawDir: dir, ppRec, startTimeoutMs: 8000 });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vv-janus-rec-test-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('decodes nothing from an empty directory, and reports a missing janus-pp-rec as tool_missing', async () => {
    const empty = f('empty');
    await mkdir(empty);
    const limits = { outDir: f('empty-out'), deadline: Date.now() + 30_000 };
    expect(await janusRecording().artefacts(empty, limits)).toEqual({ artefacts: [], skipped: [] });
    await expect(postProcessCall({ dir: empty, recording: janusRecording(), workDir: f('w1') })).rejects.toMatchObject({ code: 'no_media' });
    await expect(janusRecording('/nonexistent/janus-pp-rec').artefacts(empty, limits)).rejects.toMatchObject({ code: 'tool_missing' });
  });

  it('turns real .mjr files into a composite and one file per party', async () => {
    const call = f('call');
    await mkdir(call);
    const V = T + 2_000_000;
    const packets = await Promise.all([
      synthMjr(tools.ffmpeg, path.join(call, 'agent-1-audio.mjr'), { kind: 'audio', seconds: 4, firstPacketUs: T }),
      synthMjr(tools.ffmpeg, path.join(call, 'agent-1-video.mjr'), { kind: 'video', seconds: 4, firstPacketUs: T + 30_000 }),
      // The agent published again after a network change, 1 s after the first session ended.
      synthMjr(tools.ffmpeg, path.join(call, 'agent-2-audio.mjr'), { kind: 'audio', seconds: 2, firstPacketUs: T + 5_000_000 }),
      // The visitor's names as Janus 1.x writes them (m-line index appended).
      synthMjr(tools.ffmpeg, path.join(call, 'visitor-1-audio-0.mjr'), { kind: 'audio', seconds: 4, firstPacketUs: V + 40_000 }),
      synthMjr(tools.ffmpeg, path.join(call, 'visitor-1-video-1.mjr'), { kind: 'video', seconds: 4, firstPacketUs: V }),
    ]);
    expect(Math.min(...packets)).toBeGreaterThan(50);
    // A stream that never received media (Janus leaves the 8-byte magic only), and a data channel.
    await writeFile(path.join(call, 'visitor-2-video-1.mjr'), 'MJR00002');
    await writeFile(path.join(call, 'visitor-1-data-2.mjr'), 'MJR00002');

    const work = f('call-out');
    const r = await postProcessCall({ dir: call, recording: janusRecording(), workDir: work, timeoutMs: 120_000 });
    console.log('[recording] .mjr call timings', r.timings);
    expect(r.skipped).toEqual([
      { file: path.join(call, 'visitor-1-data-2.mjr'), reason: expect.stringMatching(/not <party>/) },
      { file: path.join(call, 'visitor-2-video-1.mjr'), reason: expect.stringMatching(/no header/) },
    ]);
    expect(r.composite).toMatchObject({ path: path.join(work, 'composite.webm'), mime: 'video/webm;codecs=vp8,opus' });
    expect(r.composite.startedAt.getTime()).toBe(T / 1000);
    expect(Math.abs(r.composite.durationMs - 7000)).toBeLessThanOrEqual(300);
    expect(await probeMedia(r.composite.path, tools.ffprobe)).toMatchObject({ width: 1280, height: 360, hasAudio: true });
    expect(isDark(await meanLuma(tools.ffmpeg, r.composite.path, 1, RIGHT))).toBe(true); // visitor not there yet
    expect(isDark(await meanLuma(tools.ffmpeg, r.composite.path, 3, RIGHT))).toBe(false);
    // Visitor: one session, remuxed as it came; agent: two sessions, re-encoded with a gap.
    const visitor = r.participants.find((p) => p.party === 'visitor')!;
    expect(visitor).toMatchObject({ mime: 'video/webm;codecs=vp8,opus', startedAt: new Date(V / 1000) });
    expect(Math.abs(visitor.durationMs - 4000)).toBeLessThanOrEqual(300);
    expect(await probeMedia(visitor.path, tools.ffprobe)).toMatchObject({ hasVideo: true, hasAudio: true, width: 640 });
    const agent = r.participants.find((p) => p.party === 'agent')!;
    expect(agent).toMatchObject({ mime: 'video/webm;codecs=vp8,opus', startedAt: new Date(T / 1000) });
    expect(Math.abs(agent.durationMs - 7000)).toBeLessThanOrEqual(300);
    expect(isDark(await meanLuma(tools.ffmpeg, agent.path, 2, LEFT))).toBe(false);
    expect(isDark(await meanLuma(tools.ffmpeg, agent.path, 6, LEFT))).toBe(true); // audio only after the gap
    await expect(stat(path.join(work, 'streams'))).rejects.toThrow(); // intermediates removed
  }, 120_000);
});

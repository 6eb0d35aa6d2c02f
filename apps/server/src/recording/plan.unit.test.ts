import { describe, expect, it } from 'vitest';
import { buildFilterGraph, chooseTileSize, compositorArgs, normalizerArgs, renderedMime, videoBitrateKbps } from './composite.js';
import { planComposite, planParticipant, type ConvertedStream } from './plan.js';

const T = 1_800_000_000_000_000; // µs
const s = (o: Partial<ConvertedStream> & Pick<ConvertedStream, 'party' | 'kind'>): ConvertedStream => ({
  n: 1,
  codec: o.kind === 'video' ? 'vp8' : 'opus',
  path: `/w/${o.party}-${o.n ?? 1}-${o.kind}`,
  firstPacketUs: T,
  durationMs: 10_000,
  ...(o.kind === 'video' ? { width: 640, height: 360 } : {}),
  ...o,
});

const twoParties = [
  s({ party: 'agent', kind: 'video', firstPacketUs: T + 50_000, durationMs: 9_950 }),
  s({ party: 'agent', kind: 'audio' }),
  s({ party: 'visitor', kind: 'video', firstPacketUs: T + 2_000_000, durationMs: 8_000 }),
  s({ party: 'visitor', kind: 'audio', firstPacketUs: T + 2_100_000, durationMs: 7_900 }),
];

describe('chooseTileSize', () => {
  it('takes the largest width and height, capped at 1280x720, even', () => {
    expect(chooseTileSize([{ width: 640, height: 360 }, { width: 320, height: 180 }])).toEqual({ width: 640, height: 360 });
    expect(chooseTileSize([{ width: 640, height: 360 }, { width: 360, height: 640 }])).toEqual({ width: 640, height: 640 });
    expect(chooseTileSize([{ width: 1920, height: 1080 }])).toEqual({ width: 1280, height: 720 });
    expect(chooseTileSize([{ width: 641, height: 359 }])).toEqual({ width: 642, height: 360 });
    expect(chooseTileSize([])).toEqual({ width: 640, height: 360 });
  });

  it('sizes the bitrate with the frame, within bounds', () => {
    expect(videoBitrateKbps(1280, 360, 30)).toBe(691);
    expect(videoBitrateKbps(160, 90, 15)).toBe(250);
    expect(videoBitrateKbps(2560, 720, 30)).toBe(2500);
  });
});

describe('planComposite', () => {
  it('puts the agent left and the visitor right, each stream at its first-packet time', () => {
    const { plan, startUs } = planComposite(twoParties);
    expect(startUs).toBe(T);
    expect(plan.durationMs).toBe(10_000);
    expect(plan.tile).toEqual({ width: 640, height: 360 });
    expect(plan.tiles.map((t) => t.video.map((v) => [v.path, v.offsetMs]))).toEqual([
      [['/w/agent-1-video', 50]],
      [['/w/visitor-1-video', 2000]],
    ]);
    expect(plan.audio.map((a) => a.offsetMs)).toEqual([0, 2100]);
    expect(renderedMime(plan)).toBe('video/webm;codecs=vp8,opus');
  });

  it('gives a party without video a dark tile, and one without any stream no tile', () => {
    const darkVisitor = planComposite([s({ party: 'agent', kind: 'video' }), s({ party: 'visitor', kind: 'audio' })]).plan;
    expect(darkVisitor.tiles).toEqual([{ video: [expect.objectContaining({ path: '/w/agent-1-video' })] }, { video: [] }]);
    const alone = planComposite([s({ party: 'visitor', kind: 'video' }), s({ party: 'visitor', kind: 'audio' })]).plan;
    expect(alone.tiles).toHaveLength(1);
    const voice = planComposite([s({ party: 'agent', kind: 'audio' }), s({ party: 'visitor', kind: 'audio' })]).plan;
    expect(voice.tiles).toEqual([]);
    expect(renderedMime(voice)).toBe('audio/webm;codecs=opus');
  });

  it('places the segments of a party that published again one after the other', () => {
    const { plan } = planComposite([
      s({ party: 'agent', kind: 'video', n: 2, firstPacketUs: T + 6_000_000, durationMs: 4_000 }),
      s({ party: 'agent', kind: 'video', n: 1, durationMs: 5_000 }),
    ]);
    expect(plan.tiles[0]!.video.map((v) => v.offsetMs)).toEqual([0, 6000]);
    expect(plan.durationMs).toBe(10_000);
  });
});

describe('filter graph and command lines', () => {
  it('overlays each video on a dark background and mixes the audio with delays', () => {
    const { plan } = planComposite(twoParties);
    const { graph } = buildFilterGraph(plan);
    expect(graph.split(';')).toEqual([
      'color=c=0x1e1e1e:s=1280x360:r=30:d=10.000,format=yuv420p[bg0]',
      '[0:v]setpts=PTS+0.050/TB[v0]',
      '[bg0][v0]overlay=x=0:y=0:eof_action=pass[bg1]',
      '[1:v]setpts=PTS+2.000/TB[v1]',
      '[bg1][v1]overlay=x=640:y=0:eof_action=pass[bg2]',
      '[bg2]format=yuv420p[vout]',
      '[2:a]aresample=48000:async=1:first_pts=0,adelay=0:all=1[a0]',
      '[3:a]aresample=48000:async=1:first_pts=0,adelay=2100:all=1[a1]',
      '[a0][a1]amix=inputs=2:duration=longest:dropout_transition=0:normalize=0,apad=whole_dur=10.000[aout]',
    ]);
    const args = compositorArgs(plan, '/w/out.webm');
    expect(args.filter((a) => a.startsWith('pipe:'))).toEqual(['pipe:3', 'pipe:4']);
    expect(args).toEqual(expect.arrayContaining(['-deadline', 'realtime', '-cpu-used', '16', '-t', '10.000', '/w/out.webm']));
    expect(args.slice(args.indexOf('-i', args.indexOf('pipe:4')), -1)).toContain('/w/agent-1-audio');
  });

  it('audio only: no background, a single input needs no mixer', () => {
    const { graph, video } = buildFilterGraph(planComposite([s({ party: 'agent', kind: 'audio', durationMs: 3000 })]).plan);
    expect(video).toBe(false);
    expect(graph).toBe('[0:a]aresample=48000:async=1:first_pts=0,adelay=0:all=1[a0];[a0]anull,apad=whole_dur=3.000[aout]');
  });

  it('normalizes a video into the tile, keeping its timestamps', () => {
    const args = normalizerArgs('/w/v.webm', { width: 640, height: 360 });
    expect(args).toEqual(expect.arrayContaining(['-copyts', '-fps_mode', 'passthrough', 'nut', 'pipe:1']));
    expect(args[args.indexOf('-vf') + 1]).toMatch(/^scale=640:360:force_original_aspect_ratio=decrease.*pad=640:360/);
  });
});

describe('planParticipant', () => {
  it('remuxes one VP8/Opus segment, the later stream shifted by its start difference', () => {
    const p = planParticipant('visitor', twoParties);
    expect(p.mode).toBe('copy');
    if (p.mode !== 'copy') return;
    expect(p.startUs).toBe(T + 2_000_000);
    expect(p.mime).toBe('video/webm;codecs=vp8,opus');
    const args = p.args('/w/visitor.webm');
    expect(args.join(' ')).toContain('-itsoffset 0.000 -i /w/visitor-1-video -itsoffset 0.100 -i /w/visitor-1-audio');
    expect(args.join(' ')).toContain('-map 0:v:0 -map 1:a:0 -c copy -f webm /w/visitor.webm');
  });

  it('audio only remuxes as audio/webm', () => {
    const p = planParticipant('agent', [s({ party: 'agent', kind: 'audio' })]);
    expect(p).toMatchObject({ mode: 'copy', mime: 'audio/webm;codecs=opus' });
  });

  it('re-encodes several segments (gaps) or codecs WebM cannot carry', () => {
    const segs = planParticipant('agent', [
      s({ party: 'agent', kind: 'video', durationMs: 3000 }),
      s({ party: 'agent', kind: 'video', n: 2, firstPacketUs: T + 5_000_000, durationMs: 3000 }),
    ]);
    expect(segs).toMatchObject({ mode: 'render', plan: { durationMs: 8000, tiles: [{ video: [{}, {}] }] } });
    const h264 = planParticipant('agent', [s({ party: 'agent', kind: 'video', codec: 'h264', width: 1920, height: 1080 })]);
    expect(h264).toMatchObject({ mode: 'render', plan: { tile: { width: 1280, height: 720 } } });
  });
});

import { handOver, startTool, PostProcessError, type RunLimits } from './tools.js';

/**
 * Rendering already-converted stream files into one WebM (VP8 + Opus): the composite of a call
 * (tiles side by side) or a party's own file when it cannot be stream-copied. Everything here but
 * `renderPlan` is pure, so the ffmpeg command lines are unit-tested.
 *
 * Why two kinds of ffmpeg process: a WebRTC video may change resolution mid-stream, and ffmpeg
 * rebuilds a whole -filter_complex graph when an input's frame size changes, which restarts its
 * sources (the background) and drops what the graph held: the rest of the call went black in a
 * test. So each video file first goes through a "normalizer" (its own simple graph: scale and pad
 * to the tile size, raw frames out on a pipe), and the compositor only ever sees fixed-size input.
 */

/** A converted stream file placed on the output's timeline. */
export interface TimedFile {
  path: string;
  /** Where the file's time 0 (its first packet) falls on the output's timeline. */
  offsetMs: number;
  durationMs: number;
  width?: number;
  height?: number;
}

export interface RenderPlan {
  /** Left to right; a tile without video stays dark. Empty: audio only. */
  tiles: { video: TimedFile[] }[];
  audio: TimedFile[];
  durationMs: number;
  tile: { width: number; height: number };
  fps: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MAX_TILE: Size = { width: 1280, height: 720 };
const DEFAULT_TILE: Size = { width: 640, height: 360 };
/** Background and letterboxing: dark grey, so a missing video reads as "no camera". */
export const TILE_COLOR = '0x1e1e1e';

/**
 * libvpx's fastest realtime setting. Measured here (2 cores, 10 s of 1280x360@30): -cpu-used 8
 * took 7.2 s of CPU, 16 took 4.5 s, for 0.4 dB less PSNR (36.6 against 37.0) and the same size.
 */
const VP8_CPU_USED = 16;

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/**
 * Pure: one tile size for every party: the largest width and height among the videos (so a
 * portrait phone and a landscape webcam both keep their size), capped at `max`, even.
 */
export function chooseTileSize(videos: Partial<Size>[], max: Size = MAX_TILE): Size {
  const w = Math.max(0, ...videos.map((v) => v.width ?? 0));
  const h = Math.max(0, ...videos.map((v) => v.height ?? 0));
  if (!w || !h) return { width: even(Math.min(DEFAULT_TILE.width, max.width)), height: even(Math.min(DEFAULT_TILE.height, max.height)) };
  return { width: even(Math.min(w, max.width)), height: even(Math.min(h, max.height)) };
}

/** Pure: a modest VP8 bitrate for the frame size, in kbit/s (~0.05 bit per pixel). */
export function videoBitrateKbps(width: number, height: number, fps: number): number {
  return Math.min(2500, Math.max(250, Math.round((width * height * fps * 0.05) / 1000)));
}

const sec = (ms: number) => (ms / 1000).toFixed(3);

/** Pure: the normalizer for one video file: fit into the tile, raw frames as NUT on stdout. */
export function normalizerArgs(file: string, tile: Size): string[] {
  const { width: w, height: h } = tile;
  const vf =
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
    `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=${TILE_COLOR},setsar=1,format=yuv420p`;
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
    // Keep the file's own timestamps: its time 0 is the first packet, which the plan's offsets use.
    '-copyts', '-i', file,
    '-map', '0:v:0', '-vf', vf, '-fps_mode', 'passthrough',
    '-c:v', 'rawvideo', '-f', 'nut', 'pipe:1',
  ];
}

/** Pure: the -filter_complex graph. Video inputs come first (0…v-1), then audio (v…). */
export function buildFilterGraph(plan: RenderPlan): { graph: string; video: boolean; audio: boolean } {
  const parts: string[] = [];
  const { width: w, height: h } = plan.tile;
  const total = sec(plan.durationMs);
  let input = 0;
  const video = plan.tiles.length > 0;
  if (video) {
    parts.push(`color=c=${TILE_COLOR}:s=${w * plan.tiles.length}x${h}:r=${plan.fps}:d=${total},format=yuv420p[bg0]`);
    let bg = 0;
    plan.tiles.forEach((tile, t) => {
      for (const v of tile.video) {
        const i = input++;
        parts.push(`[${i}:v]setpts=PTS+${sec(v.offsetMs)}/TB[v${i}]`);
        // eof_action=pass: once a segment ends its tile shows the background again.
        parts.push(`[bg${bg}][v${i}]overlay=x=${t * w}:y=0:eof_action=pass[bg${bg + 1}]`);
        bg++;
      }
    });
    parts.push(`[bg${bg}]format=yuv420p[vout]`);
  }
  const audio = plan.audio.length > 0;
  if (audio) {
    const labels = plan.audio.map((a, k) => {
      const i = input++;
      // async fills holes (lost packets, DTX) with silence and first_pts=0 makes a file whose
      // first sample is late start with silence; adelay then puts the file at its offset.
      parts.push(`[${i}:a]aresample=48000:async=1:first_pts=0,adelay=${Math.round(a.offsetMs)}:all=1[a${k}]`);
      return `[a${k}]`;
    });
    const mixed =
      labels.length === 1
        ? `${labels[0]}anull`
        : `${labels.join('')}amix=inputs=${labels.length}:duration=longest:dropout_transition=0:normalize=0`;
    parts.push(`${mixed},apad=whole_dur=${total}[aout]`);
  }
  return { graph: parts.join(';'), video, audio };
}

/** Pure: the compositor's arguments; video inputs are read from fds 3, 4, … (the normalizers). */
export function compositorArgs(plan: RenderPlan, out: string): string[] {
  const { graph, video, audio } = buildFilterGraph(plan);
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', '-copyts'];
  let fd = 3;
  for (const tile of plan.tiles) {
    for (const _ of tile.video) args.push('-thread_queue_size', '16', '-f', 'nut', '-i', `pipe:${fd++}`);
  }
  for (const a of plan.audio) args.push('-i', a.path);
  args.push('-filter_complex', graph);
  if (video) {
    const kbps = videoBitrateKbps(plan.tile.width * plan.tiles.length, plan.tile.height, plan.fps);
    args.push(
      '-map', '[vout]', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', String(VP8_CPU_USED), '-threads', '2',
      '-b:v', `${kbps}k`, '-g', String(plan.fps * 4), '-auto-alt-ref', '0',
    );
  }
  if (audio) args.push('-map', '[aout]', '-c:a', 'libopus', '-b:a', '64k');
  args.push('-t', sec(plan.durationMs), '-f', 'webm', out);
  return args;
}

/** Pure: the MIME type of what `renderPlan` writes. */
export function renderedMime(plan: RenderPlan): string {
  if (plan.tiles.length === 0) return 'audio/webm;codecs=opus';
  return plan.audio.length ? 'video/webm;codecs=vp8,opus' : 'video/webm;codecs=vp8';
}

/**
 * Renders a plan into `out` (WebM). All processes share the job's limits; any failure kills the
 * others. A normalizer that dies after the compositor finished (broken pipe) is not a failure.
 */
export async function renderPlan(plan: RenderPlan, out: string, ffmpeg: string, limits: RunLimits): Promise<void> {
  if (plan.tiles.length === 0 && plan.audio.length === 0) {
    throw new PostProcessError('no_media', 'nothing to render');
  }
  const videos = plan.tiles.flatMap((t) => t.video);
  const normalizers = videos.map((v) => startTool(ffmpeg, normalizerArgs(v.path, plan.tile), limits, { stdoutPipe: true }));
  const outs = normalizers.map((n) => n.child.stdout!);
  const compositor = startTool(ffmpeg, compositorArgs(plan, out), limits, { extraFds: outs });
  handOver(outs);
  let normalizerError: unknown = null;
  for (const n of normalizers) {
    n.done.catch((e: unknown) => {
      normalizerError ??= e;
      // Without it, the compositor would take the early end of the pipe for the end of the video.
      compositor.kill();
    });
  }
  try {
    await compositor.done;
  } catch (e) {
    // Taken before the kills below, which make the remaining normalizers fail too.
    const cause = normalizerError;
    for (const n of normalizers) n.kill();
    await Promise.allSettled(normalizers.map((n) => n.done));
    if (e instanceof PostProcessError && (e.code === 'timeout' || e.code === 'aborted')) throw e;
    throw cause ?? e;
  }
  for (const n of normalizers) n.kill();
  await Promise.allSettled(normalizers.map((n) => n.done));
}

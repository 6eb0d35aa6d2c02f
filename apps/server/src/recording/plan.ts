import { chooseTileSize, MAX_TILE, type RenderPlan, type Size, type TimedFile } from './composite.js';
import type { RecordedParty } from '../ports/media-server.js';

/**
 * Pure planning: from decoded streams with their first-packet times to what ffmpeg must make.
 * Times are the media server's wall clock in µs (RecordingArtefact.startUs), so streams recorded
 * by different publishers line up.
 */

export type Party = RecordedParty;
/** Left to right in the composite. */
export const PARTIES: readonly Party[] = ['agent', 'visitor'];

export interface ConvertedStream {
  party: Party;
  /** Segment number (RecordingArtefact.segment). */
  n: number;
  kind: 'audio' | 'video';
  /** Codec as ffprobe names it (vp8, vp9, h264, opus, pcm_mulaw…). */
  codec: string;
  path: string;
  firstPacketUs: number;
  durationMs: number;
  width?: number;
  height?: number;
}

export interface PlanOptions {
  fps: number;
  maxTile: Size;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { fps: 30, maxTile: MAX_TILE };

/** Start of the earliest stream and end of the latest, in µs. */
export function timeSpan(streams: ConvertedStream[]): { startUs: number; endUs: number } {
  const startUs = Math.min(...streams.map((s) => s.firstPacketUs));
  const endUs = Math.max(...streams.map((s) => s.firstPacketUs + s.durationMs * 1000));
  return { startUs, endUs };
}

function timed(s: ConvertedStream, startUs: number): TimedFile {
  const t: TimedFile = { path: s.path, offsetMs: (s.firstPacketUs - startUs) / 1000, durationMs: s.durationMs };
  if (s.width) t.width = s.width;
  if (s.height) t.height = s.height;
  return t;
}

const byStart = (a: ConvertedStream, b: ConvertedStream) => a.firstPacketUs - b.firstPacketUs;

/**
 * The composite: agent left, visitor right, each party's segments in time order on its tile,
 * every audio mixed. A party with audio only gets a dark tile; a party with no stream at all gets
 * no tile; with no video anywhere the composite is audio only.
 */
export function planComposite(
  streams: ConvertedStream[],
  opts: PlanOptions = DEFAULT_PLAN_OPTIONS,
): { plan: RenderPlan; startUs: number } {
  if (streams.length === 0) throw new Error('no streams');
  const { startUs, endUs } = timeSpan(streams);
  const videos = streams.filter((s) => s.kind === 'video');
  const present = PARTIES.filter((p) => streams.some((s) => s.party === p));
  const tiles =
    videos.length === 0
      ? []
      : present.map((p) => ({
          video: videos
            .filter((s) => s.party === p)
            .sort(byStart)
            .map((s) => timed(s, startUs)),
        }));
  const plan: RenderPlan = {
    tiles,
    audio: streams
      .filter((s) => s.kind === 'audio')
      .sort(byStart)
      .map((s) => timed(s, startUs)),
    durationMs: Math.round((endUs - startUs) / 1000),
    tile: chooseTileSize(videos, opts.maxTile),
    fps: opts.fps,
  };
  return { plan, startUs };
}

/** Codecs a WebM may carry as they are, so a party's file keeps the bits the media server received. */
const WEBM_VIDEO = new Set(['vp8', 'vp9']);
const WEBM_AUDIO = new Set(['opus']);

export type ParticipantPlan =
  | { mode: 'copy'; args: (out: string) => string[]; mime: string; startUs: number }
  | { mode: 'render'; plan: RenderPlan; startUs: number };

/**
 * One party's own file. One segment with WebM-ready codecs is remuxed without re-encoding (fast,
 * and the original bitstream: better evidence), audio and video aligned by their first-packet
 * times. Several segments (gaps to fill with black and silence) or other codecs (H.264, G.711)
 * are re-encoded through the composite renderer with a single tile at the party's own size.
 */
export function planParticipant(
  party: Party,
  streams: ConvertedStream[],
  opts: PlanOptions = DEFAULT_PLAN_OPTIONS,
): ParticipantPlan {
  const own = streams.filter((s) => s.party === party);
  if (own.length === 0) throw new Error(`no streams for ${party}`);
  const video = own.filter((s) => s.kind === 'video');
  const audio = own.filter((s) => s.kind === 'audio');
  const copyable =
    video.length <= 1 &&
    audio.length <= 1 &&
    video.every((v) => WEBM_VIDEO.has(v.codec)) &&
    audio.every((a) => WEBM_AUDIO.has(a.codec));
  if (!copyable) {
    const { plan, startUs } = planComposite(own, opts);
    return { mode: 'render', plan, startUs };
  }
  const { startUs } = timeSpan(own);
  const inputs = [...video, ...audio];
  const codecs = [...video.map((v) => v.codec), ...audio.map((a) => a.codec)].join(',');
  const mime = `${video.length ? 'video' : 'audio'}/webm;codecs=${codecs}`;
  const args = (out: string) => {
    const a = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y'];
    for (const s of inputs) a.push('-itsoffset', ((s.firstPacketUs - startUs) / 1e6).toFixed(3), '-i', s.path);
    inputs.forEach((s, i) => a.push('-map', `${i}:${s.kind === 'video' ? 'v' : 'a'}:0`));
    a.push('-c', 'copy', '-f', 'webm', out);
    return a;
  };
  return { mode: 'copy', args, mime, startUs };
}

import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MediaRecording, RecordingArtefact } from '../ports/media-server.js';
import { renderedMime, renderPlan, type Size } from './composite.js';
import { DEFAULT_PLAN_OPTIONS, PARTIES, planComposite, planParticipant, type ConvertedStream, type Party, type PlanOptions } from './plan.js';
import {
  assertToolsInstalled,
  DEFAULT_MEDIA_TOOLS,
  mapLimit,
  PostProcessError,
  probeMedia,
  runTool,
  type MediaTools,
  type RunLimits,
} from './tools.js';

export { PARTIES, type Party } from './plan.js';
export {
  DEFAULT_MEDIA_TOOLS,
  PostProcessError,
  probeMedia,
  type MediaInfo,
  type MediaTools,
  type PostProcessErrorCode,
} from './tools.js';

/**
 * The post-processing job of a recorded call: the media server's decoded streams (the
 * MediaRecording port's artefacts, one per party, segment and kind) → one WebM per party and one
 * composite WebM (parties side by side, audio mixed, aligned in time). See plan.ts (timing and
 * layout) and composite.ts (ffmpeg).
 */

export interface PostProcessOptions {
  /** The call's recording directory, as given to the media server. */
  dir: string;
  /** Decodes the directory's raw streams. */
  recording: Pick<MediaRecording, 'artefacts'>;
  /** Outputs go here (created if missing); decoded intermediates in `<workDir>/streams`, removed at the end. */
  workDir: string;
  tools?: MediaTools;
  signal?: AbortSignal;
  /** For the whole job; every tool still running then is killed. Default 30 minutes. */
  timeoutMs?: number;
  /** Composite frame rate (default 30) and largest tile (default 1280x720). */
  fps?: number;
  maxTile?: Size;
}

export interface OutputFile {
  path: string;
  mime: string;
  durationMs: number;
  /** Wall-clock time of the file's first frame or sample (first packet the media server recorded). */
  startedAt: Date;
}

export interface PostProcessResult {
  composite: OutputFile;
  participants: (OutputFile & { party: Party })[];
  /** Recordings left out, with why (empty: never received media; unsupported codec…). */
  skipped: { file: string; reason: string }[];
  timings: { convertMs: number; participantsMs: number; compositeMs: number; totalMs: number };
}

/** Duration and size from ffprobe: a decoded stream without playable media is left out. */
async function probeOne(a: RecordingArtefact, tools: MediaTools, limits: RunLimits): Promise<ConvertedStream | { file: string; reason: string }> {
  const info = await probeMedia(a.path, tools.ffprobe, limits);
  const has = a.kind === 'video' ? info.hasVideo : info.hasAudio;
  if (!has || info.durationMs <= 0) return { file: a.path, reason: 'no playable media in the recording' };
  const s: ConvertedStream = {
    party: a.party,
    n: a.segment,
    kind: a.kind,
    codec: (a.kind === 'video' ? info.videoCodec : info.audioCodec) ?? a.codec,
    path: a.path,
    firstPacketUs: a.startUs,
    durationMs: info.durationMs,
  };
  if (info.width) s.width = info.width;
  if (info.height) s.height = info.height;
  return s;
}

async function finish(file: string, mime: string, startUs: number, tools: MediaTools, limits: RunLimits): Promise<OutputFile> {
  const info = await probeMedia(file, tools.ffprobe, limits);
  return { path: file, mime, durationMs: info.durationMs, startedAt: new Date(Math.round(startUs / 1000)) };
}

/**
 * Converts, lays out and encodes one call's recordings. Throws PostProcessError: 'tool_missing'
 * (before any work), 'no_media' (no stream with media), 'tool_failed' (with the tool's stderr
 * tail), 'timeout' or 'aborted' (every child process killed first).
 */
export async function postProcessCall(opts: PostProcessOptions): Promise<PostProcessResult> {
  const t0 = performance.now();
  const tools = opts.tools ?? DEFAULT_MEDIA_TOOLS;
  const limits: RunLimits = { deadline: Date.now() + (opts.timeoutMs ?? 30 * 60_000) };
  if (opts.signal) limits.signal = opts.signal;
  const planOpts: PlanOptions = { fps: opts.fps ?? DEFAULT_PLAN_OPTIONS.fps, maxTile: opts.maxTile ?? DEFAULT_PLAN_OPTIONS.maxTile };
  await assertToolsInstalled([tools.ffmpeg, tools.ffprobe]);

  const streamDir = path.join(opts.workDir, 'streams');
  await mkdir(streamDir, { recursive: true });
  try {
    const decoded = await opts.recording.artefacts(opts.dir, { outDir: streamDir, ...limits });
    if (decoded.artefacts.length === 0 && decoded.skipped.length === 0) {
      throw new PostProcessError('no_media', `no recorded streams in ${opts.dir}`);
    }
    const skipped: PostProcessResult['skipped'] = [...decoded.skipped];
    const probed = await mapLimit(decoded.artefacts, 2, (a) => probeOne(a, tools, limits));
    const streams = probed.filter((c): c is ConvertedStream => 'party' in c);
    skipped.push(...probed.filter((c): c is { file: string; reason: string } => !('party' in c)));
    if (streams.length === 0) {
      throw new PostProcessError('no_media', `no recording with media in ${opts.dir}: ${skipped.map((s) => s.reason).join('; ')}`);
    }
    const t1 = performance.now();

    const composite = planComposite(streams, planOpts);
    const compositePath = path.join(opts.workDir, 'composite.webm');
    await renderPlan(composite.plan, compositePath, tools.ffmpeg, limits);
    const compositeOut = await finish(compositePath, renderedMime(composite.plan), composite.startUs, tools, limits);
    const t2 = performance.now();

    const participants: PostProcessResult['participants'] = [];
    for (const party of PARTIES) {
      if (!streams.some((s) => s.party === party)) continue;
      const p = planParticipant(party, streams, planOpts);
      const out = path.join(opts.workDir, `${party}.webm`);
      if (p.mode === 'copy') await runTool(tools.ffmpeg, p.args(out), limits);
      else await renderPlan(p.plan, out, tools.ffmpeg, limits);
      const mime = p.mode === 'copy' ? p.mime : renderedMime(p.plan);
      participants.push({ party, ...(await finish(out, mime, p.startUs, tools, limits)) });
    }
    const t3 = performance.now();
    return {
      composite: compositeOut,
      participants,
      skipped,
      timings: {
        convertMs: Math.round(t1 - t0),
        compositeMs: Math.round(t2 - t1),
        participantsMs: Math.round(t3 - t2),
        totalMs: Math.round(t3 - t0),
      },
    };
  } finally {
    await rm(streamDir, { recursive: true, force: true });
  }
}

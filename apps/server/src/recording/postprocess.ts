import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { renderedMime, renderPlan, type Size } from './composite.js';
import { convertMjr, discoverMjrFiles, PARTIES, readMjrHeader, targetExtension, type MjrSegment, type Party } from './mjr.js';
import { DEFAULT_PLAN_OPTIONS, planComposite, planParticipant, type ConvertedStream, type PlanOptions } from './plan.js';
import {
  assertToolsInstalled,
  DEFAULT_MEDIA_TOOLS,
  PostProcessError,
  probeMedia,
  runTool,
  type MediaTools,
  type RunLimits,
} from './tools.js';

export { discoverMjrFiles, type MjrSegment, type Party } from './mjr.js';
export {
  DEFAULT_MEDIA_TOOLS,
  PostProcessError,
  probeMedia,
  type MediaInfo,
  type MediaTools,
  type PostProcessErrorCode,
} from './tools.js';

/**
 * The post-processing job of a recorded call: Janus's .mjr files (one per stream) → one WebM per
 * party and one composite WebM (parties side by side, audio mixed, aligned in time). See
 * mjr.ts (names, headers, janus-pp-rec), plan.ts (timing and layout) and composite.ts (ffmpeg).
 */

/** A party's recordings: one publishing session, or several (re-published after a network change). */
export interface PartyFiles {
  audio?: string;
  video?: string;
}

export interface PostProcessOptions {
  /** The call's recording directory; its .mjr files are found by name when `parties` is absent. */
  dir: string;
  /** Outputs go here (created if missing); converted intermediates in `<workDir>/streams`, removed at the end. */
  workDir: string;
  /** Explicit files (relative paths are taken from `dir`); by default `discoverMjrFiles(dir)`. */
  parties?: Partial<Record<Party, PartyFiles | PartyFiles[]>>;
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
  /** Wall-clock time of the file's first frame or sample (first packet Janus recorded). */
  startedAt: Date;
}

export interface PostProcessResult {
  composite: OutputFile;
  participants: (OutputFile & { party: Party })[];
  /** Recordings left out, with why (empty: never received media; unsupported codec…). */
  skipped: { file: string; reason: string }[];
  timings: { convertMs: number; participantsMs: number; compositeMs: number; totalMs: number };
}

interface StreamJob {
  party: Party;
  n: number;
  kind: 'audio' | 'video';
  file: string;
}

function streamJobs(dir: string, parties: Partial<Record<Party, PartyFiles | PartyFiles[] | MjrSegment[]>>): StreamJob[] {
  const jobs: StreamJob[] = [];
  for (const party of PARTIES) {
    const given = parties[party];
    if (!given) continue;
    const segments = Array.isArray(given) ? given : [given];
    segments.forEach((seg, i) => {
      const n = 'n' in seg && typeof seg.n === 'number' ? seg.n : i + 1;
      for (const kind of ['audio', 'video'] as const) {
        const file = seg[kind];
        if (file) jobs.push({ party, n, kind, file: path.resolve(dir, file) });
      }
    });
  }
  return jobs;
}

/**
 * Runs `fn` over items, at most `limit` at a time (the machine has few cores). After a failure
 * no new item starts, and the running ones are waited for before it is thrown.
 */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return results;
}

async function convertOne(
  job: StreamJob,
  outDir: string,
  tools: MediaTools,
  limits: RunLimits,
): Promise<ConvertedStream | { file: string; reason: string }> {
  const header = await readMjrHeader(job.file, tools.ppRec, limits);
  if (!header) return { file: job.file, reason: 'no header: the stream never received media' };
  if (header.kind !== job.kind) return { file: job.file, reason: `named ${job.kind} but holds ${header.kind}` };
  if (!targetExtension(header.codec)) return { file: job.file, reason: `unsupported codec ${header.codec}` };
  const out = await convertMjr(job.file, header, outDir, `${job.party}-${job.n}-${job.kind}`, tools.ppRec, limits);
  const info = await probeMedia(out, tools.ffprobe, limits);
  const has = job.kind === 'video' ? info.hasVideo : info.hasAudio;
  if (!has || info.durationMs <= 0) return { file: job.file, reason: 'no playable media in the recording' };
  const s: ConvertedStream = {
    party: job.party,
    n: job.n,
    kind: job.kind,
    codec: (job.kind === 'video' ? info.videoCodec : info.audioCodec) ?? header.codec,
    path: out,
    firstPacketUs: header.firstPacketUs,
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
  await assertToolsInstalled([tools.ppRec, tools.ffmpeg, tools.ffprobe]);

  const skipped: PostProcessResult['skipped'] = [];
  let parties = opts.parties;
  if (!parties) {
    const found = await discoverMjrFiles(opts.dir);
    parties = found.parties;
    for (const name of found.ignored) {
      skipped.push({ file: path.join(opts.dir, name), reason: 'not <party>-<n>-<audio|video>.mjr, or a second file for the same stream' });
    }
  }
  const jobs = streamJobs(opts.dir, parties);
  if (jobs.length === 0) throw new PostProcessError('no_media', `no .mjr recordings in ${opts.dir}`);
  const streamDir = path.join(opts.workDir, 'streams');
  await mkdir(streamDir, { recursive: true });
  try {
    const converted = await mapLimit(jobs, 2, (j) =>
      // A recording the tools cannot read is left out (and reported), not the whole call.
      convertOne(j, streamDir, tools, limits).catch((e: unknown) => {
        if (e instanceof PostProcessError && e.code === 'tool_failed') return { file: j.file, reason: e.message };
        throw e;
      }),
    );
    const streams = converted.filter((c): c is ConvertedStream => 'party' in c);
    skipped.push(...converted.filter((c): c is { file: string; reason: string } => !('party' in c)));
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

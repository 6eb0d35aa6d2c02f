import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/**
 * Paths of the external programs post-processing runs (Debian: ffmpeg). Decoding the media
 * server's raw streams is the MediaRecording port's job, with tools of its own.
 */
export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

export const DEFAULT_MEDIA_TOOLS: MediaTools = {
  ffmpeg: '/usr/bin/ffmpeg',
  ffprobe: '/usr/bin/ffprobe',
};

export type PostProcessErrorCode = 'no_media' | 'tool_missing' | 'tool_failed' | 'timeout' | 'aborted';

export class PostProcessError extends Error {
  override readonly name = 'PostProcessError';
  constructor(
    readonly code: PostProcessErrorCode,
    message: string,
    /** The last lines a failing tool wrote to stderr, when a tool was involved. */
    readonly stderrTail: string = '',
    /** The program that failed or was missing. */
    readonly tool?: string,
  ) {
    super(stderrTail ? `${message}\n${stderrTail}` : message);
  }
}

/** Limits shared by every tool a job runs: one deadline for the whole job, one abort signal. */
export interface RunLimits {
  /** Date.now() value after which the running tool is killed with a 'timeout' error. */
  deadline: number;
  signal?: AbortSignal;
}

const STDERR_KEEP = 8 * 1024;
const STDOUT_MAX = 4 * 1024 * 1024;

export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Throws 'tool_missing' unless every path is an executable file. */
export async function assertToolsInstalled(paths: string[]): Promise<void> {
  for (const p of paths) {
    try {
      await access(p, constants.X_OK);
    } catch {
      throw new PostProcessError('tool_missing', `${p} is missing or not executable (Debian: see scripts/setup.sh)`, '', p);
    }
  }
}

/**
 * Runs `fn` over items, at most `limit` at a time (the machine has few cores). After a failure
 * no new item starts, and the running ones are waited for before it is thrown.
 */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

export interface ToolRun {
  child: ChildProcess;
  /** Resolves with stdout when the program exits 0; rejects with a PostProcessError otherwise. */
  done: Promise<string>;
  kill(): void;
}

/**
 * Starts a program under the job's limits. It is killed (SIGKILL: ffmpeg may ignore a polite
 * signal while blocked on a pipe) when the deadline passes or the signal aborts. `extraFds`
 * become its fds 3, 4, … (duplicated: see handOver). stdout is collected with `captureStdout`,
 * left to the caller in `child.stdout` with `stdoutPipe`, else discarded.
 */
export function startTool(
  bin: string,
  args: string[],
  limits: RunLimits,
  opts: { captureStdout?: boolean; stdoutPipe?: boolean; extraFds?: Readable[] } = {},
): ToolRun {
  const extra = opts.extraFds ?? [];
  const wantStdout = opts.captureStdout || opts.stdoutPipe;
  const child = spawn(bin, args, { stdio: ['ignore', wantStdout ? 'pipe' : 'ignore', 'pipe', ...extra] });
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_KEEP);
  });
  if (opts.captureStdout) {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      if (stdout.length < STDOUT_MAX) stdout += d;
    });
  }
  let why: 'timeout' | 'aborted' | null = null;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const stop = (reason: 'timeout' | 'aborted') => {
    why ??= reason;
    kill();
  };
  const timer = setTimeout(() => stop('timeout'), Math.max(0, limits.deadline - Date.now()));
  const onAbort = () => stop('aborted');
  if (limits.signal?.aborted) onAbort();
  limits.signal?.addEventListener('abort', onAbort, { once: true });
  const name = bin.split('/').pop() ?? bin;
  const done = new Promise<string>((resolve, reject) => {
    let spawnError: Error | null = null;
    child.once('error', (e) => (spawnError = e));
    child.once('close', (code, sig) => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      if (spawnError) {
        const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new PostProcessError(missing ? 'tool_missing' : 'tool_failed', `cannot run ${bin}: ${spawnError.message}`, '', bin));
      } else if (why === 'timeout') {
        reject(new PostProcessError('timeout', `${name} killed: post-processing time limit reached`, tail(stderr), bin));
      } else if (why === 'aborted') {
        reject(new PostProcessError('aborted', `${name} killed: post-processing aborted`, tail(stderr), bin));
      } else if (code !== 0) {
        reject(new PostProcessError('tool_failed', `${name} exited with ${code ?? sig}`, tail(stderr), bin));
      } else {
        resolve(stdout);
      }
    });
  });
  return { child, done, kill };
}

/** Runs a program to completion under the limits; resolves with its stdout. */
export function runTool(bin: string, args: string[], limits: RunLimits, captureStdout = false): Promise<string> {
  return startTool(bin, args, limits, { captureStdout }).done;
}

/**
 * Gives the read end of a producer's stdout to a consumer (started with it in `extraFds`), so
 * the data flows between the two processes without passing through Node: the parent's copy is
 * closed at once, in the same tick as both spawns, before the event loop could read from it.
 */
export function handOver(streams: Readable[]): void {
  for (const s of streams) s.destroy();
}

export interface MediaInfo {
  durationMs: number;
  hasVideo: boolean;
  hasAudio: boolean;
  width?: number;
  height?: number;
  videoCodec?: string;
  audioCodec?: string;
}

interface ProbeJson {
  format?: { duration?: string };
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string }[];
}

/** Pure: ffprobe's `-of json -show_format -show_streams` output → what post-processing needs. */
export function parseProbe(json: string): MediaInfo {
  const p = JSON.parse(json) as ProbeJson;
  const streams = p.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  let seconds = Number(p.format?.duration);
  if (!Number.isFinite(seconds)) {
    seconds = Math.max(0, ...streams.map((s) => Number(s.duration)).filter(Number.isFinite));
  }
  const info: MediaInfo = { durationMs: Math.round(seconds * 1000), hasVideo: !!video, hasAudio: !!audio };
  if (video?.width && video.height) {
    info.width = video.width;
    info.height = video.height;
  }
  if (video?.codec_name) info.videoCodec = video.codec_name;
  if (audio?.codec_name) info.audioCodec = audio.codec_name;
  return info;
}

/** Duration and streams of a media file, from ffprobe. */
export async function probeMedia(
  file: string,
  ffprobe: string,
  limits: RunLimits = { deadline: Date.now() + 30_000 },
): Promise<MediaInfo> {
  const out = await runTool(
    ffprobe,
    ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', file],
    limits,
    true,
  );
  try {
    return parseProbe(out);
  } catch {
    throw new PostProcessError('tool_failed', `ffprobe printed no JSON for ${file}`, tail(out), ffprobe);
  }
}

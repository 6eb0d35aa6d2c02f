import path from 'node:path';
import type {
  ArtefactOptions,
  MediaRecording,
  MediaRecordingEvent,
  RecordingArtefact,
  RecordingArtefacts,
} from '../../../ports/media-server.js';
// The recording module's process runner: one deadline and abort signal for every tool a job runs.
import { assertToolsInstalled, mapLimit, PostProcessError, type RunLimits } from '../../../recording/index.js';
import { convertMjr, discoverMjrFiles, PARTIES, readMjrHeader, targetExtension, type Party } from './mjr.js';
import { FsRecordingDirs, type RecordingDirs } from './raw-dirs.js';
import { RecordingMonitor } from './recording-monitor.js';

export interface JanusRecordingOptions {
  /** RECORDING_RAW_DIR: every media node sees it at this same path. */
  rawDir: string;
  /** janus-pp-rec (Debian: janus-tools). */
  ppRec: string;
  /** From media flowing until the .mjr files must be seen growing. */
  startTimeoutMs: number;
  /** No growth for this long while media flows = stalled. */
  stallMs?: number;
  pollMs?: number;
  onError?: (e: unknown) => void;
  /** Tests swap the directories (sizes they set by hand). */
  dirs?: RecordingDirs;
  now?: () => number;
}

interface StreamJob {
  party: Party;
  n: number;
  kind: 'audio' | 'video';
  file: string;
}

/**
 * Recording through Janus: the VideoRoom writes one .mjr per stream into the call's directory;
 * the files growing confirm the recording (RecordingMonitor), and janus-pp-rec turns each into a
 * playable file with the time of its first packet, which is all the recording module needs.
 */
export class JanusRecording implements MediaRecording {
  private readonly dirs: RecordingDirs;
  private readonly monitor: RecordingMonitor;
  private readonly listeners = new Set<(e: MediaRecordingEvent) => void>();

  constructor(private readonly options: JanusRecordingOptions) {
    this.dirs = options.dirs ?? new FsRecordingDirs(options.rawDir);
    this.monitor = new RecordingMonitor(
      this.dirs,
      {
        running: (callId, info) => this.emit({ type: 'running', callId, ...info }),
        notStarted: (callId) => this.emit({ type: 'stopped', callId, reason: 'not_started' }),
        stalled: (callId) => this.emit({ type: 'stalled', callId }),
      },
      // Confirmed within ~20 ms of the files growing: the parties of a call that must be recorded wait for it.
      { pollMs: options.pollMs ?? 100, startPollMs: options.pollMs ?? 20, startTimeoutMs: options.startTimeoutMs, stallMs: options.stallMs ?? 4000 },
      options.now ?? Date.now,
      options.onError ?? (() => {}),
    );
  }

  prepare(callId: string): Promise<string> {
    return this.dirs.prepare(callId);
  }

  start(callId: string, dir: string): void {
    this.monitor.mediaFlowing(callId, dir);
  }

  setSending(callId: string, sending: boolean): void {
    this.monitor.setSending(callId, sending);
  }

  stop(callId: string): void {
    this.monitor.stop(callId);
  }

  stopAll(): void {
    this.monitor.stopAll();
  }

  on(listener: (event: MediaRecordingEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  remove(dir: string): Promise<void> {
    return this.dirs.remove(dir);
  }

  async artefacts(dir: string, o: ArtefactOptions): Promise<RecordingArtefacts> {
    const limits: RunLimits = { deadline: o.deadline };
    if (o.signal) limits.signal = o.signal;
    await assertToolsInstalled([this.options.ppRec]);
    const found = await discoverMjrFiles(dir);
    const skipped: RecordingArtefacts['skipped'] = found.ignored.map((name) => ({
      file: path.join(dir, name),
      reason: 'not <party>-<n>-<audio|video>.mjr, or a second file for the same stream',
    }));
    const jobs: StreamJob[] = [];
    for (const party of PARTIES) {
      for (const seg of found.parties[party] ?? []) {
        for (const kind of ['audio', 'video'] as const) {
          const file = seg[kind];
          if (file) jobs.push({ party, n: seg.n, kind, file });
        }
      }
    }
    const converted = await mapLimit(jobs, 2, (j) =>
      // A recording the tool cannot read is left out (and reported), not the whole call.
      this.convertOne(j, o.outDir, limits).catch((e: unknown) => {
        if (e instanceof PostProcessError && e.code === 'tool_failed') return { file: j.file, reason: e.message };
        throw e;
      }),
    );
    const artefacts = converted.filter((c): c is RecordingArtefact => 'party' in c);
    skipped.push(...converted.filter((c): c is { file: string; reason: string } => !('party' in c)));
    return { artefacts, skipped };
  }

  private async convertOne(job: StreamJob, outDir: string, limits: RunLimits): Promise<RecordingArtefact | { file: string; reason: string }> {
    const ppRec = this.options.ppRec;
    const header = await readMjrHeader(job.file, ppRec, limits);
    if (!header) return { file: job.file, reason: 'no header: the stream never received media' };
    if (header.kind !== job.kind) return { file: job.file, reason: `named ${job.kind} but holds ${header.kind}` };
    if (!targetExtension(header.codec)) return { file: job.file, reason: `unsupported codec ${header.codec}` };
    const out = await convertMjr(job.file, header, outDir, `${job.party}-${job.n}-${job.kind}`, ppRec, limits);
    return { party: job.party, segment: job.n, kind: job.kind, codec: header.codec, path: out, startUs: header.firstPacketUs };
  }

  private emit(e: MediaRecordingEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.options.onError?.(err);
      }
    }
  }
}

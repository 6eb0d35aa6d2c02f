import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Database } from '../ports/database.js';
import { CallStore, type PostprocessClaim } from '../calls/index.js';
import type { RecordingService } from './recording-service.js';
import { PeriodicJob } from '../platform/jobs/periodic-job.js';
import type { MediaRecording } from '../ports/media-server.js';
import { PostProcessError, postProcessCall, type MediaTools } from './postprocess.js';

export interface PostProcessFigures {
  callId: string;
  callMs: number;
  totalMs: number;
  /** Post-processing time per minute of call, the figure operators size the media host by. */
  msPerCallMinute: number;
}

/**
 * Turns each ended recorded call's raw streams (decoded by the MediaRecording port) into stored recordings:
 * one composite (both parties side by side, audio mixed) and one file per party, registered in
 * the catalog (hashed, audited, retained per policy); the raw directory is then removed.
 *
 * Post-processing takes seconds to minutes, so it runs here, one call at a time per node, never
 * in the outbox dispatcher (which must stay fast for routing). Calls are claimed in the database
 * (postprocess_state = running), so several nodes share the work; a claim older than an hour
 * (a node that died mid-job) is taken over.
 */
export class RecordingPostProcessJob extends PeriodicJob {
  private busy = false;
  private again = false;
  readonly figures: PostProcessFigures[] = [];

  constructor(
    private readonly db: Database,
    private readonly media: Pick<MediaRecording, 'artefacts' | 'remove'>,
    private readonly recordings: RecordingService,
    private readonly tools: MediaTools,
    private readonly composite: { fps: number; maxTile: { width: number; height: number } },
    onError: (e: unknown) => void,
    private readonly onInfo: (what: string, details: Record<string, unknown>) => void = () => {},
    /** The media server closes its files when the room is destroyed, just after the call ends. */
    private readonly settleMs = 1500,
  ) {
    super(onError);
  }

  start(everyMs = 10_000): void {
    this.startEvery(everyMs);
  }

  /** A call ended: look for work soon (after the media server has closed the files). */
  kick(): void {
    const t = setTimeout(() => void this.sweep().catch(this.onError), this.settleMs);
    t.unref();
  }

  async sweep(): Promise<number> {
    if (this.busy) {
      this.again = true;
      return 0;
    }
    this.busy = true;
    let done = 0;
    try {
      for (;;) {
        const call = await this.claim();
        if (!call) break;
        await this.process(call);
        done++;
      }
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      done += await this.sweep();
    }
    return done;
  }

  private async claim(): Promise<PostprocessClaim | null> {
    const row = await CallStore.claimPostprocess(this.db, new Date(Date.now() - this.settleMs), new Date(Date.now() - 3_600_000));
    return row ?? null;
  }

  private async process(call: PostprocessClaim): Promise<void> {
    const workDir = path.join(call.recording_dir, 'out');
    try {
      const result = await postProcessCall({ dir: call.recording_dir, recording: this.media, workDir, tools: this.tools, ...this.composite });
      await this.recordings.register(
        { callId: call.id, kind: 'composite', party: null, mime: result.composite.mime, startedAt: result.composite.startedAt, durationMs: result.composite.durationMs },
        createReadStream(result.composite.path),
      );
      for (const p of result.participants) {
        await this.recordings.register(
          { callId: call.id, kind: 'participant', party: p.party, mime: p.mime, startedAt: p.startedAt, durationMs: p.durationMs },
          createReadStream(p.path),
        );
      }
      await this.finish(call.id, 'done', result.skipped.length ? `skipped: ${result.skipped.map((s) => s.reason).join('; ')}` : null);
      await this.media.remove(call.recording_dir);
      const callMs = call.answered_at ? new Date(call.ended_at).getTime() - new Date(call.answered_at).getTime() : result.composite.durationMs;
      const figures = {
        callId: call.id,
        callMs,
        totalMs: result.timings.totalMs,
        msPerCallMinute: Math.round(result.timings.totalMs / Math.max(callMs / 60_000, 1 / 60)),
      };
      this.figures.push(figures);
      if (this.figures.length > 100) this.figures.shift();
      this.onInfo('recording post-processed', { ...figures, timings: result.timings, skipped: result.skipped.length });
    } catch (e) {
      // No media at all (nobody's media ever flowed): nothing to keep. Anything else keeps the raw
      // files for an operator (and a retry by resetting postprocess_state to 'pending').
      // The empty directory goes before the state says so: whoever sees 'failed' sees it gone.
      const noMedia = e instanceof PostProcessError && e.code === 'no_media';
      if (noMedia) await this.media.remove(call.recording_dir).catch(() => {});
      await this.finish(call.id, 'failed', e instanceof Error ? e.message.slice(0, 2000) : String(e));
      if (!noMedia) this.onError(e);
    }
  }

  private async finish(callId: string, state: 'done' | 'failed', error: string | null): Promise<void> {
    await CallStore.finishPostprocess(this.db, callId, state, error);
  }
}

import type { ClientRecordingFinishAnswer } from '@visavis/protocol';

/**
 * The upload side of client recording (see client-recorder.ts): slices go to the server one at a
 * time (`PUT /api/calls/:id/client-recording/chunks/:seq`) behind a bounded in-memory queue, with
 * retry and back-off; when the queue is full, new slices are dropped (and counted) rather than
 * memory growing without end. Then `POST …/finish` asks the server to join them.
 */

export type RecorderState = 'recording' | 'finishing' | 'done' | 'failed';

export interface ClientRecordingStatus {
  state: RecorderState;
  /** Slices recorded but not stored on the server yet. */
  pending: number;
  /** Slices the server stored. */
  uploaded: number;
  /** Slices given up on (queue full, or the server refused them for good). */
  dropped: number;
  bytesUploaded: number;
  /** Time from a slice being recorded to the server's answer, the last one and the mean. */
  lastLatencyMs: number | null;
  meanLatencyMs: number | null;
  /** The catalogued recording, once finished. */
  recordingId: string | null;
  /** Why recording failed or stopped uploading (a catalog code or a browser error). */
  error: string | null;
  /** Composite frames drawn per second since the start, and the mean main-thread time of one. */
  fps: number | null;
  drawMs: number | null;
}

export const INITIAL_STATUS: ClientRecordingStatus = {
  state: 'recording',
  pending: 0,
  uploaded: 0,
  dropped: 0,
  bytesUploaded: 0,
  lastLatencyMs: null,
  meanLatencyMs: null,
  recordingId: null,
  error: null,
  fps: null,
  drawMs: null,
};

/** How the uploader talks to the server (replaced in unit tests). */
export interface ChunkTransport {
  put(seq: number, blob: Blob): Promise<{ status: number; code?: string | undefined }>;
  finish(meta: { mime: string; startedAt: string; durationMs: number }): Promise<{ status: number; recordingId?: string | null; code?: string | undefined }>;
}

export function httpTransport(callId: string, timeoutMs = 60_000): ChunkTransport {
  const base = `/api/calls/${encodeURIComponent(callId)}/client-recording`;
  const codeOf = async (r: Response) => {
    const body = (await r.json().catch(() => null)) as { error?: { code?: string } } | null;
    return body?.error?.code;
  };
  return {
    async put(seq, blob) {
      const r = await fetch(`${base}/chunks/${seq}`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'content-type': blob.type || 'video/webm' },
        body: blob,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return r.ok ? { status: r.status } : { status: r.status, code: await codeOf(r) };
    },
    async finish(meta) {
      const r = await fetch(`${base}/finish`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(meta),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!r.ok) return { status: r.status, code: await codeOf(r) };
      const body = (await r.json().catch(() => null)) as ClientRecordingFinishAnswer | null;
      return { status: r.status, recordingId: body?.recording?.id ?? null };
    },
  };
}

export interface UploaderOptions {
  transport: ChunkTransport;
  onChange: (s: ClientRecordingStatus) => void;
  /** Most bytes kept in memory waiting for upload (default 64 MiB ≈ 8 min at 1 Mbit/s). */
  maxQueueBytes?: number;
  /** Wait before retry n (1, 2, …) of a failed upload. */
  backoffMs?: (attempt: number) => number;
  /** How long close() keeps trying to empty the queue before finishing with what is stored. */
  flushTimeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Answers the server gives for good: retrying cannot help (not allowed, no such call, too large, finished). */
const FINAL = new Set([400, 401, 403, 404, 409, 413, 415, 422]);

/**
 * Uploads slices in seq order, one at a time. A failed upload (network, 5xx, 429) is retried
 * with back-off until it succeeds, so the order on the server is the recorder's; an answer that
 * cannot change (403, 404, 413, …) stops uploading for this call.
 */
export class ChunkUploader {
  private readonly queue: { seq: number; blob: Blob; at: number }[] = [];
  private queuedBytes = 0;
  private nextSeq = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  private latencySum = 0;
  status: ClientRecordingStatus = { ...INITIAL_STATUS };
  private readonly maxQueueBytes: number;
  private readonly backoff: (attempt: number) => number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: UploaderOptions) {
    this.maxQueueBytes = o.maxQueueBytes ?? 64 * 1024 * 1024;
    this.backoff = o.backoffMs ?? ((n) => Math.min(15_000, 500 * 2 ** (n - 1)));
    this.now = o.now ?? (() => Date.now());
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private set(p: Partial<ClientRecordingStatus>): void {
    this.status = { ...this.status, ...p };
    this.o.onChange(this.status);
  }

  /** A new slice from the recorder (empty slices are skipped; they carry nothing). */
  add(blob: Blob): void {
    if (blob.size === 0) return;
    const seq = this.nextSeq++;
    if (this.stopped || this.queuedBytes + blob.size > this.maxQueueBytes) {
      this.set({ dropped: this.status.dropped + 1 });
      return;
    }
    this.queue.push({ seq, blob, at: this.now() });
    this.queuedBytes += blob.size;
    this.set({ pending: this.queue.length });
    this.kick();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.pump().finally(() => {
      this.running = null;
      if (this.queue.length > 0 && !this.stopped) this.kick();
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const item = this.queue[0]!;
      let attempt = 0;
      for (;;) {
        const r = await this.o.transport.put(item.seq, item.blob).catch(() => ({ status: 0, code: undefined }));
        if (r.status >= 200 && r.status < 300) {
          const latency = this.now() - item.at;
          this.latencySum += latency;
          const uploaded = this.status.uploaded + 1;
          this.drop(item);
          this.set({
            uploaded,
            pending: this.queue.length,
            bytesUploaded: this.status.bytesUploaded + item.blob.size,
            lastLatencyMs: latency,
            meanLatencyMs: Math.round(this.latencySum / uploaded),
          });
          break;
        }
        if (FINAL.has(r.status)) {
          // The server will not take this call's recording (policy off, call gone, limit reached).
          this.stopped = true;
          const dropped = this.status.dropped + this.queue.length;
          this.queue.length = 0;
          this.queuedBytes = 0;
          this.set({ dropped, pending: 0, error: r.code ?? `HTTP ${r.status}` });
          return;
        }
        if (this.stopped) return;
        await this.sleep(this.backoff(++attempt));
      }
    }
  }

  private drop(item: { blob: Blob }): void {
    this.queue.shift();
    this.queuedBytes -= item.blob.size;
  }

  /**
   * The recorder stopped: empty the queue (up to flushTimeoutMs), then ask the server to join
   * what it stored. Answers the final status.
   */
  async close(meta: { mime: string; startedAt: string; durationMs: number }): Promise<ClientRecordingStatus> {
    this.set({ state: 'finishing' });
    const deadline = this.now() + (this.o.flushTimeoutMs ?? 60_000);
    while (this.running && this.now() < deadline) {
      await Promise.race([this.running, this.sleep(Math.max(0, Math.min(1000, deadline - this.now())))]);
    }
    const lost = this.queue.length;
    this.stopped = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (lost) this.set({ dropped: this.status.dropped + lost, pending: 0 });
    if (this.status.uploaded === 0) {
      this.set({ state: this.status.error ? 'failed' : 'done' });
      return this.status;
    }
    for (let attempt = 1; attempt <= 5; attempt++) {
      const r = await this.o.transport.finish(meta).catch(() => ({ status: 0, code: undefined, recordingId: null }));
      if (r.status >= 200 && r.status < 300) {
        this.set({ state: 'done', recordingId: r.recordingId ?? null });
        return this.status;
      }
      if (FINAL.has(r.status)) {
        this.set({ state: 'failed', error: r.code ?? `HTTP ${r.status}` });
        return this.status;
      }
      await this.sleep(this.backoff(attempt));
    }
    // The server finishes an abandoned upload by itself a few minutes after the call.
    this.set({ state: 'failed', error: 'FINISH_FAILED' });
    return this.status;
  }
}

/**
 * Client-side recording (docs/compliance.md): the agent's browser records the call it is in —
 * the visitor's and the agent's video side by side on a canvas, both audio tracks mixed — with
 * MediaRecorder, and uploads the slices while the call runs (`PUT
 * /api/calls/:id/client-recording/chunks/:seq`), then asks the server to join them (`POST
 * …/finish`). So a failure of the server-side recording still leaves a recording, and a browser
 * closed mid-call leaves everything uploaded so far (the server finishes abandoned uploads).
 *
 * Never blocks the call: uploads run one at a time behind a bounded in-memory queue, with retry
 * and back-off; when the queue is full, new slices are dropped (and counted) rather than memory
 * growing without end.
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
      const body = (await r.json().catch(() => null)) as { recording?: { id: string } | null } | null;
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

// ---- the composite: canvas video + mixed audio ------------------------------------------

/** A timer in a worker: timers of a hidden tab are throttled to once a second (or a minute), a worker's are not. */
// Ping-pong: the next tick is sent only after the page answered the last one, so a page too busy to
// draw at the frame rate gets fewer frames instead of an ever-growing queue of ticks.
const TICK_WORKER =
  'let ms=0,last=0,t;onmessage=(e)=>{clearTimeout(t);if(e.data==="stop")return;if(typeof e.data==="number")ms=e.data;' +
  't=setTimeout(()=>{last=Date.now();postMessage(0);},Math.max(0,last+ms-Date.now()));};';

function backgroundTimer(ms: number, fn: () => void): () => void {
  try {
    const url = URL.createObjectURL(new Blob([TICK_WORKER], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = () => {
      try {
        fn();
      } finally {
        worker.postMessage('next');
      }
    };
    worker.postMessage(ms);
    return () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    };
  } catch {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  }
}

/** Where a w×h picture goes inside a box, keeping its aspect (letterbox / pillarbox). */
export function fit(w: number, h: number, box: { x: number; y: number; w: number; h: number }) {
  if (w <= 0 || h <= 0) return null;
  const scale = Math.min(box.w / w, box.h / h);
  const dw = Math.round(w * scale);
  const dh = Math.round(h * scale);
  return { x: box.x + Math.round((box.w - dw) / 2), y: box.y + Math.round((box.h - dh) / 2), w: dw, h: dh };
}

/** One side of the picture: a hidden <video> following whatever video track the stream has now. */
class Slot {
  readonly el = document.createElement('video');
  private track: MediaStreamTrack | null = null;
  stream: MediaStream | null = null;
  constructor() {
    this.el.muted = true;
    this.el.playsInline = true;
  }
  /** The stream's video track may arrive late or be replaced (re-subscribe): follow it. */
  sync(): void {
    const t = this.stream?.getVideoTracks().find((x) => x.readyState === 'live') ?? null;
    if (t === this.track) return;
    this.track = t;
    this.el.srcObject = t ? new MediaStream([t]) : null;
    if (t) void this.el.play().catch(() => undefined);
  }
  ready(): boolean {
    return this.track !== null && this.track.enabled && this.el.readyState >= 2 && this.el.videoWidth > 0;
  }
  close(): void {
    this.el.srcObject = null;
  }
}

const WIDTH = 1280;
const HEIGHT = 480;
const FPS = 15;

/**
 * The call as one MediaStream: a canvas with the visitor (left) and the agent (right), drawn
 * FPS times a second from a worker timer, and both parties' audio mixed by an AudioContext.
 */
class Composite {
  private readonly canvas: HTMLCanvasElement | null;
  private readonly g: CanvasRenderingContext2D | null;
  private readonly remote = new Slot();
  private readonly local = new Slot();
  private readonly audio = new AudioContext();
  private readonly mix = this.audio.createMediaStreamDestination();
  private readonly sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  private readonly stopTimer: () => void;
  readonly stream: MediaStream;

  constructor(video: boolean) {
    this.canvas = video ? document.createElement('canvas') : null;
    if (this.canvas) {
      this.canvas.width = WIDTH;
      this.canvas.height = HEIGHT;
    }
    this.g = this.canvas?.getContext('2d', { alpha: false }) ?? null;
    void this.audio.resume().catch(() => undefined);
    const tracks = [...(this.canvas ? this.canvas.captureStream(FPS).getVideoTracks() : []), ...this.mix.stream.getAudioTracks()];
    this.stream = new MediaStream(tracks);
    this.draw();
    this.stopTimer = backgroundTimer(Math.round(1000 / FPS), () => this.tick());
  }

  setStreams(remote: MediaStream | null, local: MediaStream | null): void {
    this.remote.stream = remote;
    this.local.stream = local;
    this.draw();
  }

  /** Mix every live audio track of both parties (tracks come and go: re-subscribe, mic switch). */
  private syncAudio(): void {
    const want = new Set<MediaStreamTrack>();
    for (const s of [this.remote.stream, this.local.stream]) for (const t of s?.getAudioTracks() ?? []) if (t.readyState === 'live') want.add(t);
    for (const [t, node] of this.sources) {
      if (!want.has(t)) {
        node.disconnect();
        this.sources.delete(t);
      }
    }
    for (const t of want) {
      if (this.sources.has(t)) continue;
      const node = this.audio.createMediaStreamSource(new MediaStream([t]));
      node.connect(this.mix);
      this.sources.set(t, node);
    }
    if (this.audio.state === 'suspended') void this.audio.resume().catch(() => undefined);
  }

  /** Frames drawn and the main-thread time they took (for the status and the report). */
  frames = 0;
  drawMsTotal = 0;
  private nextAt = 0;

  /**
   * Draws unless the page is too busy: a frame may take at most a quarter of the main thread
   * (a slow machine records fewer frames per second rather than slowing the call's page down).
   */
  private tick(): void {
    const t0 = performance.now();
    if (t0 < this.nextAt) return;
    this.draw();
    const cost = performance.now() - t0;
    this.frames++;
    this.drawMsTotal += cost;
    this.nextAt = t0 + Math.max(1000 / FPS, cost * 4) - 2;
  }

  private draw(): void {
    this.syncAudio();
    const g = this.g;
    if (!g) return;
    this.remote.sync();
    this.local.sync();
    g.fillStyle = '#000';
    g.fillRect(0, 0, WIDTH, HEIGHT);
    const half = WIDTH / 2;
    for (const [slot, x] of [[this.remote, 0], [this.local, half]] as const) {
      if (!slot.ready()) continue;
      const r = fit(slot.el.videoWidth, slot.el.videoHeight, { x, y: 0, w: half, h: HEIGHT });
      if (r) g.drawImage(slot.el, r.x, r.y, r.w, r.h);
    }
  }

  close(): void {
    this.stopTimer();
    for (const node of this.sources.values()) node.disconnect();
    this.sources.clear();
    for (const t of this.stream.getTracks()) t.stop();
    this.remote.close();
    this.local.close();
    void this.audio.close().catch(() => undefined);
  }
}

function pickMime(video: boolean): string | null {
  const candidates = video ? ['video/webm;codecs=vp8,opus', 'video/webm'] : ['audio/webm;codecs=opus', 'audio/webm'];
  return candidates.find((m) => MediaRecorder.isTypeSupported(m)) ?? null;
}

export interface ClientRecorderOptions {
  callId: string;
  media: 'video' | 'audio';
  onChange: (s: ClientRecordingStatus) => void;
  /** MediaRecorder timeslice: one upload per slice. */
  timesliceMs?: number;
  transport?: ChunkTransport;
}

/**
 * Records one call in the agent's browser. `setStreams` whenever the local or remote stream
 * changes; `stop()` at hang-up (stops, uploads the last slice, finishes). Never throws into the
 * call: a browser without MediaRecorder or a failure shows as state `failed`.
 */
export class ClientRecorder {
  private composite: Composite | null = null;
  private recorder: MediaRecorder | null = null;
  private readonly uploader: ChunkUploader;
  private startedAt = 0;
  private stopping: Promise<ClientRecordingStatus> | null = null;
  private mime = '';

  constructor(private readonly o: ClientRecorderOptions) {
    this.uploader = new ChunkUploader({ transport: o.transport ?? httpTransport(o.callId), onChange: (s) => o.onChange(this.withDrawing(s)) });
    try {
      const mime = typeof MediaRecorder === 'undefined' ? null : pickMime(o.media === 'video');
      if (!mime) throw new Error('MediaRecorder cannot record webm here');
      this.mime = mime;
      this.composite = new Composite(o.media === 'video');
      const rec = new MediaRecorder(this.composite.stream, { mimeType: mime, videoBitsPerSecond: 1_000_000, audioBitsPerSecond: 64_000 });
      rec.ondataavailable = (e) => this.uploader.add(e.data);
      rec.onerror = (e) => console.warn('[visavis] client recording', e);
      this.recorder = rec;
      this.startedAt = Date.now();
      rec.start(o.timesliceMs ?? 2000);
    } catch (e) {
      console.warn('[visavis] client recording could not start', e);
      this.composite?.close();
      this.composite = null;
      this.recorder = null;
      // Read by the owner through `status` once constructed (no callback from inside the constructor).
      this.uploader.status = { ...this.uploader.status, state: 'failed', error: e instanceof Error ? e.message : String(e) };
    }
  }

  get status(): ClientRecordingStatus {
    return this.withDrawing(this.uploader.status);
  }

  private withDrawing(s: ClientRecordingStatus): ClientRecordingStatus {
    const c = this.composite;
    if (!c || c.frames === 0) return s;
    const seconds = Math.max(1, (Date.now() - this.startedAt) / 1000);
    return { ...s, fps: Math.round((c.frames / seconds) * 10) / 10, drawMs: Math.round((c.drawMsTotal / c.frames) * 10) / 10 };
  }

  setStreams(remote: MediaStream | null, local: MediaStream | null): void {
    this.composite?.setStreams(remote, local);
  }

  /** Stops recording, uploads what is left and finishes the recording on the server. */
  stop(): Promise<ClientRecordingStatus> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<ClientRecordingStatus> {
    const rec = this.recorder;
    if (!rec) return this.uploader.status;
    const durationMs = Date.now() - this.startedAt;
    if (rec.state !== 'inactive') {
      // The last slice comes in a dataavailable right before stop.
      await new Promise<void>((resolve) => {
        rec.addEventListener('stop', () => resolve(), { once: true });
        rec.stop();
      });
    }
    this.composite?.close();
    this.composite = null;
    return this.uploader.close({ mime: rec.mimeType || this.mime, startedAt: new Date(this.startedAt).toISOString(), durationMs });
  }
}

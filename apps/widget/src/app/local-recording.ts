import type { CallJoinInfo } from '@visavis/protocol';

/**
 * Local recording on the visitor's side, when the call's policy allows it (`recording.visitorLocal`):
 * the browser records what the visitor sees and hears — the agent's video with the visitor's own
 * camera as a picture-in-picture, the agent's voice mixed with the visitor's microphone — with
 * MediaRecorder, keeps it in memory only (never uploaded), and after the call offers to replay
 * it in a player or save it as a file. Nothing here reaches the server.
 */

export interface LocalRecording {
  url: string;
  blob: Blob;
  mime: string;
  durationMs: number;
  bytes: number;
  /** The recording stopped early: the in-memory limit was reached. */
  truncated: boolean;
}

export type LocalRecordingState = 'idle' | 'recording' | 'ready' | 'failed';

/** Most bytes kept in memory (≈ 25 min at the bit rate below); recording stops there. */
const MAX_BYTES = 120 * 1024 * 1024;
const WIDTH = 640;
const HEIGHT = 480;
const FPS = 15;

/** A worker's timer: a hidden page's timers are throttled, a worker's are not. */
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

/** Where a w×h picture goes inside a box, keeping its aspect. */
export function fitBox(w: number, h: number, box: { x: number; y: number; w: number; h: number }) {
  if (w <= 0 || h <= 0) return null;
  const s = Math.min(box.w / w, box.h / h);
  const dw = Math.round(w * s);
  const dh = Math.round(h * s);
  return { x: box.x + Math.round((box.w - dw) / 2), y: box.y + Math.round((box.h - dh) / 2), w: dw, h: dh };
}

/** A hidden <video> that follows the stream's current video track (it may come late or change). */
class Follow {
  readonly el = document.createElement('video');
  stream: MediaStream | null = null;
  private track: MediaStreamTrack | null = null;
  constructor() {
    this.el.muted = true;
    this.el.playsInline = true;
  }
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
}

/** One call's local recording. */
class Recorder {
  private readonly remote = new Follow();
  private readonly self = new Follow();
  private readonly canvas: HTMLCanvasElement | null;
  private readonly g: CanvasRenderingContext2D | null;
  private readonly audio = new AudioContext();
  private readonly mix = this.audio.createMediaStreamDestination();
  private readonly sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  private readonly stopTimer: () => void;
  private readonly rec: MediaRecorder;
  private readonly parts: Blob[] = [];
  private bytes = 0;
  private readonly startedAt = Date.now();
  truncated = false;

  constructor(video: boolean, mime: string) {
    this.canvas = video ? document.createElement('canvas') : null;
    if (this.canvas) {
      this.canvas.width = WIDTH;
      this.canvas.height = HEIGHT;
    }
    this.g = this.canvas?.getContext('2d', { alpha: false }) ?? null;
    void this.audio.resume().catch(() => undefined);
    const tracks = [...(this.canvas ? this.canvas.captureStream(FPS).getVideoTracks() : []), ...this.mix.stream.getAudioTracks()];
    this.rec = new MediaRecorder(new MediaStream(tracks), { mimeType: mime, videoBitsPerSecond: 600_000, audioBitsPerSecond: 64_000 });
    this.rec.ondataavailable = (e) => {
      if (e.data.size === 0) return;
      this.parts.push(e.data);
      this.bytes += e.data.size;
      if (this.bytes > MAX_BYTES && this.rec.state === 'recording') {
        this.truncated = true;
        this.rec.stop();
      }
    };
    this.rec.start(1000);
    this.draw();
    this.stopTimer = backgroundTimer(Math.round(1000 / FPS), () => this.tick());
  }

  setStreams(remote: MediaStream | null, local: MediaStream | null): void {
    this.remote.stream = remote;
    this.self.stream = local;
    this.draw();
  }

  private nextAt = 0;

  /** Draws unless the page is too busy: a frame may take at most a quarter of the main thread. */
  private tick(): void {
    const t0 = performance.now();
    if (t0 < this.nextAt) return;
    this.draw();
    this.nextAt = t0 + Math.max(1000 / FPS, (performance.now() - t0) * 4) - 2;
  }

  private draw(): void {
    const want = new Set<MediaStreamTrack>();
    for (const s of [this.remote.stream, this.self.stream]) for (const t of s?.getAudioTracks() ?? []) if (t.readyState === 'live') want.add(t);
    for (const [t, node] of this.sources) {
      if (want.has(t)) continue;
      node.disconnect();
      this.sources.delete(t);
    }
    for (const t of want) {
      if (this.sources.has(t)) continue;
      const node = this.audio.createMediaStreamSource(new MediaStream([t]));
      node.connect(this.mix);
      this.sources.set(t, node);
    }
    const g = this.g;
    if (!g) return;
    this.remote.sync();
    this.self.sync();
    g.fillStyle = '#111';
    g.fillRect(0, 0, WIDTH, HEIGHT);
    if (this.remote.ready()) {
      const r = fitBox(this.remote.el.videoWidth, this.remote.el.videoHeight, { x: 0, y: 0, w: WIDTH, h: HEIGHT });
      if (r) g.drawImage(this.remote.el, r.x, r.y, r.w, r.h);
    }
    if (this.self.ready()) {
      // The self-view as the visitor sees it: a small picture in the corner.
      const box = { x: WIDTH - 172, y: HEIGHT - 172, w: 160, h: 160 };
      const r = fitBox(this.self.el.videoWidth, this.self.el.videoHeight, box);
      if (r) g.drawImage(this.self.el, r.x, r.y, r.w, r.h);
    }
  }

  async stop(): Promise<LocalRecording | null> {
    const durationMs = Date.now() - this.startedAt;
    if (this.rec.state !== 'inactive') {
      await new Promise<void>((resolve) => {
        this.rec.addEventListener('stop', () => resolve(), { once: true });
        this.rec.stop();
      });
    }
    this.stopTimer();
    for (const node of this.sources.values()) node.disconnect();
    for (const t of this.rec.stream.getTracks()) t.stop();
    this.remote.el.srcObject = null;
    this.self.el.srcObject = null;
    void this.audio.close().catch(() => undefined);
    if (this.parts.length === 0) return null;
    const mime = this.rec.mimeType || 'video/webm';
    const blob = new Blob(this.parts, { type: mime.split(';')[0] });
    return { url: URL.createObjectURL(blob), blob, mime, durationMs, bytes: blob.size, truncated: this.truncated };
  }
}

function pickMime(video: boolean): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  const candidates = video ? ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'] : ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4'];
  return candidates.find((m) => MediaRecorder.isTypeSupported(m)) ?? null;
}

/**
 * The visitor's local recordings, owned by the call controller: begins with a call whose policy
 * allows it, ends with the call's media, and keeps the last one for Replay / Save.
 */
export class LocalRecordings {
  state: LocalRecordingState = 'idle';
  last: LocalRecording | null = null;
  playerOpen = false;
  private current: Recorder | null = null;

  constructor(private readonly onChange: () => void) {}

  /** The call's media joined: record if the policy lets the visitor keep a local copy. */
  begin(info: CallJoinInfo): void {
    if (this.current || !info.recording?.visitorLocal) return;
    const mime = pickMime(info.media === 'video');
    if (!mime) {
      this.state = 'failed';
      this.onChange();
      return;
    }
    try {
      this.current = new Recorder(info.media === 'video', mime);
      this.discard();
      this.state = 'recording';
    } catch (e) {
      console.warn('[visavis] local recording could not start', e);
      this.state = 'failed';
    }
    this.onChange();
  }

  streams(remote: MediaStream | null, local: MediaStream | null): void {
    this.current?.setStreams(remote, local);
  }

  /** The call's media ended: the recording becomes available for Replay / Save. */
  end(): void {
    const rec = this.current;
    if (!rec) return;
    this.current = null;
    rec.stop().then(
      (r) => {
        this.last = r;
        this.state = r ? 'ready' : 'idle';
        this.onChange();
      },
      (e: unknown) => {
        console.warn('[visavis] local recording failed', e);
        this.state = 'failed';
        this.onChange();
      },
    );
  }

  openPlayer(open: boolean): void {
    this.playerOpen = open && this.last !== null;
    this.onChange();
  }

  /** The file name a saved recording gets. */
  fileName(now = new Date()): string {
    const ext = (this.last?.mime ?? '').includes('mp4') ? 'mp4' : 'webm';
    const stamp = now.toISOString().slice(0, 16).replace(/[:T]/g, '-');
    return `call-${stamp}.${ext}`;
  }

  /** Drops the kept recording (the visitor closed it, or a new call records). */
  discard(): void {
    if (this.last) URL.revokeObjectURL(this.last.url);
    this.last = null;
    this.playerOpen = false;
    if (this.state === 'ready') this.state = 'idle';
  }
}

/**
 * Recording a call in the browser, for both UIs (the visitor's local copy in the widget, the
 * agent's client recording in the workspace): the parties' videos composited on a canvas (side by
 * side or picture-in-picture), drawn from a worker timer that keeps running in a background tab
 * within a frame budget, every live audio track mixed into one MediaStreamDestination, and a
 * MediaRecorder on the result. No UI: what is kept or uploaded is the caller's business.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a w×h picture goes inside a box, keeping its aspect (letterbox / pillarbox), centred. */
export function fitBox(w: number, h: number, box: Box): Box | null {
  if (w <= 0 || h <= 0) return null;
  const scale = Math.min(box.w / w, box.h / h);
  const dw = Math.round(w * scale);
  const dh = Math.round(h * scale);
  return { x: box.x + Math.round((box.w - dw) / 2), y: box.y + Math.round((box.h - dh) / 2), w: dw, h: dh };
}

/**
 * side-by-side: n equal columns, left to right. pip: the first picture fills the canvas, the
 * others are small squares in the bottom-right corner (the next one to the left of the last).
 */
export type CompositeLayout = 'side-by-side' | 'pip';

/** Side of a picture-in-picture square and its distance from the canvas edge (and the next one). */
export const PIP_SIZE = 160;
export const PIP_MARGIN = 12;

/** The box of each of n pictures on a width×height canvas. */
export function layoutBoxes(layout: CompositeLayout, n: number, width: number, height: number): Box[] {
  const out: Box[] = [];
  for (let i = 0; i < n; i++) {
    if (layout === 'side-by-side') {
      const w = width / n;
      out.push({ x: i * w, y: 0, w, h: height });
    } else if (i === 0) {
      out.push({ x: 0, y: 0, w: width, h: height });
    } else {
      const step = PIP_SIZE + PIP_MARGIN;
      out.push({ x: width - step * i, y: height - step, w: PIP_SIZE, h: PIP_SIZE });
    }
  }
  return out;
}

/** MediaRecorder types in order of preference; mp4 only where the caller can take it (not the upload). */
export function recorderMimeCandidates(video: boolean, mp4: boolean): string[] {
  const webm = video ? ['video/webm;codecs=vp8,opus', 'video/webm'] : ['audio/webm;codecs=opus', 'audio/webm'];
  return mp4 ? [...webm, video ? 'video/mp4' : 'audio/mp4'] : webm;
}

/** The first type this browser's MediaRecorder can record (null: none, or no MediaRecorder). */
export function pickRecorderMime(
  video: boolean,
  opts: { mp4?: boolean } = {},
  isTypeSupported: ((mime: string) => boolean) | null = typeof MediaRecorder === 'undefined' ? null : (m) => MediaRecorder.isTypeSupported(m),
): string | null {
  if (!isTypeSupported) return null;
  return recorderMimeCandidates(video, opts.mp4 ?? false).find((m) => isTypeSupported(m)) ?? null;
}

/**
 * When to draw: a frame may take at most `share` of the main thread (a slow machine records fewer
 * frames per second rather than slowing the call's page down), and never more than fps a second.
 */
export class FrameBudget {
  /** Frames drawn and the main-thread time they took. */
  frames = 0;
  drawMsTotal = 0;
  private nextAt = 0;

  constructor(
    private readonly fps: number,
    private readonly share = 0.25,
  ) {}

  /** Whether a tick at `now` (ms, performance.now()) should draw. */
  due(now: number): boolean {
    return now >= this.nextAt;
  }

  /** A frame started at t0 took costMs. */
  spent(t0: number, costMs: number): void {
    this.frames++;
    this.drawMsTotal += costMs;
    this.nextAt = t0 + Math.max(1000 / this.fps, costMs / this.share) - 2;
  }

  /** Frames per second over elapsedMs (at least a second) and the mean cost of one, to 0.1; null before the first. */
  stats(elapsedMs: number): { fps: number; drawMs: number } | null {
    if (this.frames === 0) return null;
    const seconds = Math.max(1, elapsedMs / 1000);
    return { fps: Math.round((this.frames / seconds) * 10) / 10, drawMs: Math.round((this.drawMsTotal / this.frames) * 10) / 10 };
  }
}

/** A worker's timer: a hidden tab's timers are throttled to once a second (or a minute), a worker's are not. */
// Ping-pong: the next tick is sent only after the page answered the last one, so a page too busy to
// draw at the frame rate gets fewer frames instead of an ever-growing queue of ticks.
const TICK_WORKER =
  'let ms=0,last=0,t;onmessage=(e)=>{clearTimeout(t);if(e.data==="stop")return;if(typeof e.data==="number")ms=e.data;' +
  't=setTimeout(()=>{last=Date.now();postMessage(0);},Math.max(0,last+ms-Date.now()));};';

/** Calls fn every ms from a worker (setInterval where there is none); answers the stop function. */
export function backgroundTimer(ms: number, fn: () => void): () => void {
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

/** One picture: a hidden <video> following whatever video track the stream has now. */
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

export interface CompositeOptions {
  /** Without video only the audio is mixed (no canvas). */
  video: boolean;
  width: number;
  height: number;
  fps: number;
  layout: CompositeLayout;
  /** How many pictures (streams given to setStreams, in that order). */
  slots: number;
  /** The canvas behind the pictures. */
  background: string;
}

/**
 * The call as one MediaStream: a canvas with the parties' pictures, drawn fps times a second
 * from a worker timer within a FrameBudget, and all their audio mixed by an AudioContext.
 */
export class CallComposite {
  private readonly canvas: HTMLCanvasElement | null;
  private readonly g: CanvasRenderingContext2D | null;
  private readonly slots: Slot[];
  private readonly boxes: Box[];
  private readonly audio = new AudioContext();
  private readonly mix = this.audio.createMediaStreamDestination();
  private readonly sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  private readonly stopTimer: () => void;
  readonly budget: FrameBudget;
  readonly stream: MediaStream;

  constructor(private readonly o: CompositeOptions) {
    this.slots = Array.from({ length: o.slots }, () => new Slot());
    this.boxes = layoutBoxes(o.layout, o.slots, o.width, o.height);
    this.budget = new FrameBudget(o.fps);
    this.canvas = o.video ? document.createElement('canvas') : null;
    if (this.canvas) {
      this.canvas.width = o.width;
      this.canvas.height = o.height;
    }
    this.g = this.canvas?.getContext('2d', { alpha: false }) ?? null;
    void this.audio.resume().catch(() => undefined);
    const tracks = [...(this.canvas ? this.canvas.captureStream(o.fps).getVideoTracks() : []), ...this.mix.stream.getAudioTracks()];
    this.stream = new MediaStream(tracks);
    this.draw();
    this.stopTimer = backgroundTimer(Math.round(1000 / o.fps), () => this.tick());
  }

  /** The parties' streams, in the layout's order (missing ones are left empty). */
  setStreams(streams: readonly (MediaStream | null)[]): void {
    this.slots.forEach((slot, i) => (slot.stream = streams[i] ?? null));
    this.draw();
  }

  /** Mix every live audio track of the parties (tracks come and go: re-subscribe, mic switch). */
  private syncAudio(): void {
    const want = new Set<MediaStreamTrack>();
    for (const s of this.slots) for (const t of s.stream?.getAudioTracks() ?? []) if (t.readyState === 'live') want.add(t);
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

  /** Draws unless the page is too busy (see FrameBudget). */
  private tick(): void {
    const t0 = performance.now();
    if (!this.budget.due(t0)) return;
    this.draw();
    this.budget.spent(t0, performance.now() - t0);
  }

  private draw(): void {
    this.syncAudio();
    const g = this.g;
    if (!g) return;
    for (const slot of this.slots) slot.sync();
    g.fillStyle = this.o.background;
    g.fillRect(0, 0, this.o.width, this.o.height);
    this.slots.forEach((slot, i) => {
      if (!slot.ready()) return;
      const r = fitBox(slot.el.videoWidth, slot.el.videoHeight, this.boxes[i]!);
      if (r) g.drawImage(slot.el, r.x, r.y, r.w, r.h);
    });
  }

  close(): void {
    this.stopTimer();
    for (const node of this.sources.values()) node.disconnect();
    this.sources.clear();
    for (const t of this.stream.getTracks()) t.stop();
    for (const slot of this.slots) slot.close();
    void this.audio.close().catch(() => undefined);
  }
}

export interface RecorderOptions {
  mimeType: string;
  videoBitsPerSecond: number;
  audioBitsPerSecond: number;
  /** One dataavailable per slice. */
  timesliceMs: number;
  /** A slice with data (empty ones carry nothing and are skipped). */
  onData: (blob: Blob) => void;
}

/** A MediaRecorder on the stream, started. */
export function startRecorder(stream: MediaStream, o: RecorderOptions): MediaRecorder {
  const rec = new MediaRecorder(stream, { mimeType: o.mimeType, videoBitsPerSecond: o.videoBitsPerSecond, audioBitsPerSecond: o.audioBitsPerSecond });
  rec.ondataavailable = (e) => {
    if (e.data.size > 0) o.onData(e.data);
  };
  rec.start(o.timesliceMs);
  return rec;
}

/** Stops the recorder; resolves once it stopped (after the last slice's dataavailable). */
export async function stopRecorder(rec: MediaRecorder): Promise<void> {
  if (rec.state === 'inactive') return;
  await new Promise<void>((resolve) => {
    rec.addEventListener('stop', () => resolve(), { once: true });
    rec.stop();
  });
}

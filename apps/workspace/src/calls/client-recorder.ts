/**
 * Client-side recording (docs/compliance.md): the agent's browser records the call it is in —
 * the visitor's and the agent's video side by side on a canvas, both audio tracks mixed (the SDK's
 * CallComposite) — with MediaRecorder, and uploads the slices while the call runs (ChunkUploader,
 * chunk-uploader.ts), then asks the server to join them. So a failure of the server-side recording
 * still leaves a recording, and a browser closed mid-call leaves everything uploaded so far (the
 * server finishes abandoned uploads). Never blocks the call.
 */
import { CallComposite, pickRecorderMime, startRecorder, stopRecorder } from '@visavis/client';
import { ChunkUploader, httpTransport, type ChunkTransport, type ClientRecordingStatus } from './chunk-uploader.js';

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
  private composite: CallComposite | null = null;
  private recorder: MediaRecorder | null = null;
  private readonly uploader: ChunkUploader;
  private startedAt = 0;
  private stopping: Promise<ClientRecordingStatus> | null = null;
  private mime = '';

  constructor(private readonly o: ClientRecorderOptions) {
    this.uploader = new ChunkUploader({ transport: o.transport ?? httpTransport(o.callId), onChange: (s) => o.onChange(this.withDrawing(s)) });
    try {
      // Webm only: the server joins the uploaded slices as one webm file.
      const mime = pickRecorderMime(o.media === 'video');
      if (!mime) throw new Error('MediaRecorder cannot record webm here');
      this.mime = mime;
      // The visitor (left) and the agent (right).
      this.composite = new CallComposite({ video: o.media === 'video', width: 1280, height: 480, fps: 15, layout: 'side-by-side', slots: 2, background: '#000' });
      const rec = startRecorder(this.composite.stream, {
        mimeType: mime,
        videoBitsPerSecond: 1_000_000,
        audioBitsPerSecond: 64_000,
        timesliceMs: o.timesliceMs ?? 2000,
        onData: (blob) => this.uploader.add(blob),
      });
      rec.onerror = (e) => console.warn('[visavis] client recording', e);
      this.recorder = rec;
      this.startedAt = Date.now();
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

  /** The status with the composite's drawing figures (frames per second, main-thread time of one). */
  private withDrawing(s: ClientRecordingStatus): ClientRecordingStatus {
    const drawing = this.composite?.budget.stats(Date.now() - this.startedAt);
    return drawing ? { ...s, ...drawing } : s;
  }

  setStreams(remote: MediaStream | null, local: MediaStream | null): void {
    this.composite?.setStreams([remote, local]);
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
    // The last slice comes in a dataavailable right before stop.
    await stopRecorder(rec);
    this.composite?.close();
    this.composite = null;
    return this.uploader.close({ mime: rec.mimeType || this.mime, startedAt: new Date(this.startedAt).toISOString(), durationMs });
  }
}

import type { CallJoinInfo } from '@visavis/protocol';
import { CallComposite, pickRecorderMime, startRecorder, stopRecorder } from '@visavis/client';

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

/** One call's local recording: the agent full frame, the visitor's self-view in the corner. */
class Recorder {
  private readonly composite: CallComposite;
  private readonly rec: MediaRecorder;
  private readonly parts: Blob[] = [];
  private bytes = 0;
  private readonly startedAt = Date.now();
  truncated = false;

  constructor(video: boolean, mime: string) {
    this.composite = new CallComposite({ video, width: 640, height: 480, fps: 15, layout: 'pip', slots: 2, background: '#111' });
    try {
      this.rec = this.record(mime);
    } catch (e) {
      this.composite.close();
      throw e;
    }
  }

  private record(mime: string): MediaRecorder {
    return startRecorder(this.composite.stream, {
      mimeType: mime,
      videoBitsPerSecond: 600_000,
      audioBitsPerSecond: 64_000,
      timesliceMs: 1000,
      onData: (blob) => {
        this.parts.push(blob);
        this.bytes += blob.size;
        if (this.bytes > MAX_BYTES && this.rec.state === 'recording') {
          this.truncated = true;
          this.rec.stop();
        }
      },
    });
  }

  setStreams(remote: MediaStream | null, local: MediaStream | null): void {
    this.composite.setStreams([remote, local]);
  }

  async stop(): Promise<LocalRecording | null> {
    const durationMs = Date.now() - this.startedAt;
    await stopRecorder(this.rec);
    this.composite.close();
    if (this.parts.length === 0) return null;
    const mime = this.rec.mimeType || 'video/webm';
    const blob = new Blob(this.parts, { type: mime.split(';')[0] });
    return { url: URL.createObjectURL(blob), blob, mime, durationMs, bytes: blob.size, truncated: this.truncated };
  }
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
    const mime = pickRecorderMime(info.media === 'video', { mp4: true });
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

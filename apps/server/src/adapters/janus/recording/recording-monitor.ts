import type { RecordingDirs } from './raw-dirs.js';

/** What the monitor tells the call services; each is called once per transition. */
export interface RecordingMonitorHooks {
  /** The files grow: recording runs (first time: `startDelayMs` after media began flowing). */
  running(callId: string, info: { startDelayMs: number; resumed: boolean }): void;
  /** Nothing was written in time after media began flowing. */
  notStarted(callId: string): void;
  /** The files stopped growing while media flows. */
  stalled(callId: string): void;
}

export interface RecordingMonitorOptions {
  pollMs: number;
  /**
   * Polling while the recording is being confirmed: a call that must be recorded waits for this
   * confirmation before its parties see each other, so it is looked for more often (default pollMs).
   */
  startPollMs?: number;
  /** From media flowing until recording must be seen running. */
  startTimeoutMs: number;
  /** No growth for this long while media flows = stalled. */
  stallMs: number;
}

interface Watch {
  dir: string;
  mediaSince: number;
  lastBytes: number;
  lastGrowth: number;
  state: 'starting' | 'running' | 'stalled' | 'failed';
  /** False while every party has muted audio and video: the files legitimately stop growing. */
  sending: boolean;
  timer: ReturnType<typeof setInterval>;
  busy: boolean;
}

/**
 * Confirms a call's server-side recording by watching its raw files grow, from the moment media
 * flows (a publisher's PeerConnection is up). The media server's own answer to "record" only
 * says it will try; bytes on disk are the evidence a regulated call needs before it may connect.
 */
export class RecordingMonitor {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly dirs: RecordingDirs,
    private readonly hooks: RecordingMonitorHooks,
    private readonly options: RecordingMonitorOptions,
    private readonly now: () => number = Date.now,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /** Media of the call began flowing on this node: start watching (again a no-op). */
  mediaFlowing(callId: string, dir: string): void {
    if (this.watches.has(callId)) return;
    const at = this.now();
    const w: Watch = {
      dir, mediaSince: at, lastBytes: -1, lastGrowth: at, state: 'starting', sending: true, busy: false,
      timer: this.poll(callId, this.options.startPollMs ?? this.options.pollMs),
    };
    this.watches.set(callId, w);
    // The baseline now, so the first growth is seen one poll after media starts, not two.
    void this.tick(callId).catch(this.onError);
  }

  /** Whether any party sends media now (mute of both audio and video by everyone = false). */
  setSending(callId: string, sending: boolean): void {
    const w = this.watches.get(callId);
    if (!w) return;
    if (sending && !w.sending) w.lastGrowth = this.now(); // give the files time to grow again
    w.sending = sending;
  }

  private poll(callId: string, everyMs: number): ReturnType<typeof setInterval> {
    const timer = setInterval(() => void this.tick(callId).catch(this.onError), everyMs);
    timer.unref();
    return timer;
  }

  state(callId: string): Watch['state'] | null {
    return this.watches.get(callId)?.state ?? null;
  }

  stop(callId: string): void {
    const w = this.watches.get(callId);
    if (!w) return;
    clearInterval(w.timer);
    this.watches.delete(callId);
  }

  stopAll(): void {
    for (const id of [...this.watches.keys()]) this.stop(id);
  }

  /** One observation; exported for tests, normally driven by the timer. */
  async tick(callId: string): Promise<void> {
    const w = this.watches.get(callId);
    if (!w || w.busy || w.state === 'failed') return;
    w.busy = true;
    try {
      const bytes = await this.dirs.bytes(w.dir);
      const at = this.now();
      if (this.watches.get(callId) !== w) return; // stopped meanwhile
      // The first reading only sets the baseline: a header alone is not recording.
      const grew = w.lastBytes >= 0 && bytes > w.lastBytes;
      const first = w.lastBytes < 0;
      w.lastBytes = bytes;
      if (first && bytes > 0 && w.state === 'starting') return;
      if (grew) {
        w.lastGrowth = at;
        if (w.state !== 'running') {
          const resumed = w.state === 'stalled';
          if (w.state === 'starting' && this.options.startPollMs) {
            clearInterval(w.timer);
            w.timer = this.poll(callId, this.options.pollMs);
          }
          w.state = 'running';
          this.hooks.running(callId, { startDelayMs: at - w.mediaSince, resumed });
        }
        return;
      }
      if (w.state === 'starting' && at - w.mediaSince >= this.options.startTimeoutMs) {
        w.state = 'failed';
        clearInterval(w.timer);
        this.hooks.notStarted(callId);
      } else if (w.state === 'running' && w.sending && at - w.lastGrowth >= this.options.stallMs) {
        w.state = 'stalled';
        this.hooks.stalled(callId);
      }
    } finally {
      w.busy = false;
    }
  }
}

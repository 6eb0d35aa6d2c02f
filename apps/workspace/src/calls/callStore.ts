import { createContext, useContext, useSyncExternalStore } from 'react';
import { CallSession, VisavisError, type Call } from '@visavis/client';
import type { CallJoinInfo, CallMedia, CallProfile } from '@visavis/protocol';
import type { WorkspaceStore } from '../store/workspaceStore.js';
import type { ClientRecordingStatus } from './chunk-uploader.js';
import { ClientRecorder } from './client-recorder.js';
import {
  callReducer,
  initialCallUi,
  liveCall,
  type CallAction,
  type CallUi,
  type LiveCall,
  type RecordingStatus,
} from './state.js';

/** The microphone's processing as the browser applied it (getSettings), not merely as asked. */
export interface AudioProcessing {
  echoCancellation: boolean | null;
  noiseSuppression: boolean | null;
  autoGainControl: boolean | null;
}

export interface CallSnapshot {
  /** The call whose media this tab holds (at most one). */
  session: { conversationId: string; callId: string; info: CallJoinInfo; joinedAt: number } | null;
  ui: CallUi;
  local: MediaStream | null;
  remote: MediaStream | null;
  /** What the camera sends now (largest simulcast layer). */
  sending: { width: number; height: number; fps: number | null } | null;
  audio: AudioProcessing | null;
  /** Conversation ids with a call command on its way (buttons disabled meanwhile). */
  busy: readonly string[];
  /** The last failed call command, by conversation, as a catalog code (shown near the buttons). */
  error: { conversationId: string; code: string } | null;
  /** This browser's recording of the live call (client recording), when the call's policy records. */
  recording: ClientRecordingStatus | null;
  /** The server-side recording of each followed conversation's call (its SDK Call's status, pushes included). */
  serverRecordings: Readonly<Record<string, RecordingStatus>>;
}

const EMPTY: CallSnapshot = {
  session: null,
  ui: initialCallUi,
  local: null,
  remote: null,
  sending: null,
  audio: null,
  busy: [],
  error: null,
  recording: null,
  serverRecordings: {},
};

const PROFILE_KEY = 'vv.workspace.callProfile';

export function savedProfile(): CallProfile {
  try {
    const v = localStorage.getItem(PROFILE_KEY);
    if (v === '360p' || v === '720p' || v === '1080p') return v;
  } catch {
    /* storage blocked */
  }
  return '720p';
}

export function saveProfile(p: CallProfile): void {
  try {
    localStorage.setItem(PROFILE_KEY, p);
  } catch {
    /* not remembered; still used for this call */
  }
}

/**
 * The agent's calls: start one from a conversation, answer or decline a visitor's, and run the
 * media of the live one with the SDK's CallSession over the workspace's own connection. Each
 * followed conversation's call is the SDK's `Call` (the workspace store holds them): commands go
 * through it, and the media starts on its `join` (the `call.join` push or the accept's ack,
 * once per call, never for one that ended) and stops when the timeline says the call ended.
 * React reads `getState()` with useSyncExternalStore.
 */
export class CallStore {
  private state: CallSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private session: CallSession | null = null;
  private recorder: ClientRecorder | null = null;
  private sessionOff: (() => void)[] = [];
  private offs: (() => void)[] = [];
  /** The session's call was seen ringing or live in its timeline (so its absence means it ended). */
  private seenLive = false;
  private statsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly ws: WorkspaceStore) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): CallSnapshot => this.state;

  private patch(p: Partial<CallSnapshot>): void {
    this.state = { ...this.state, ...p };
    for (const fn of this.listeners) fn();
  }

  start(): void {
    if (this.offs.length) return;
    this.offs.push(
      this.ws.followCalls({
        join: (conversationId, info) => this.join(conversationId, info),
        recording: (conversationId, status) =>
          this.patch({ serverRecordings: { ...this.state.serverRecordings, [conversationId]: status } }),
      }),
      this.ws.subscribe(() => this.followTimeline()),
    );
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.leave();
  }

  // ---- commands ------------------------------------------------------------------------

  async startCall(conversationId: string, media: CallMedia, profile: CallProfile): Promise<void> {
    await this.command(conversationId, () => this.callOf(conversationId).start(media, { profile }));
  }

  /** Answers a visitor's call; its media joins on the Call's `join`, which the ack gives. */
  async accept(call: LiveCall): Promise<void> {
    await this.command(call.conversationId, () => this.callOf(call.conversationId).accept());
  }

  async decline(call: LiveCall): Promise<void> {
    await this.command(call.conversationId, () => this.callOf(call.conversationId).decline());
  }

  /** Cancels my ringing call, or hangs up the live one (also one this tab holds no media for). */
  async hangup(call: LiveCall): Promise<void> {
    const session = this.session;
    if (session && session.callId === call.callId) {
      this.leave();
      await session.hangup();
      return;
    }
    await this.command(call.conversationId, () => this.callOf(call.conversationId).hangup());
  }

  toggleMute(): void {
    const muted = !this.state.ui.muted;
    this.dispatch({ type: 'muted', muted });
    void this.session?.setAudio(!muted);
  }

  toggleCamera(): void {
    const cameraOff = !this.state.ui.cameraOff;
    this.dispatch({ type: 'cameraOff', cameraOff });
    void this.session?.setVideo(!cameraOff);
  }

  clearError(): void {
    if (this.state.error) this.patch({ error: null });
  }

  // ---- internals -----------------------------------------------------------------------

  private async command(conversationId: string, fn: () => Promise<unknown>): Promise<void> {
    if (this.state.busy.includes(conversationId)) return;
    this.patch({ busy: [...this.state.busy, conversationId], error: null });
    try {
      await fn();
    } catch (e) {
      this.patch({ error: { conversationId, code: e instanceof VisavisError ? e.code : 'INTERNAL' } });
    } finally {
      this.patch({ busy: this.state.busy.filter((id) => id !== conversationId) });
    }
  }

  /** The conversation's Call; a conversation the store does not follow has none (FORBIDDEN, as the server would say). */
  private callOf(conversationId: string): Call {
    const call = this.ws.call(conversationId);
    if (!call) throw new VisavisError('FORBIDDEN', 'conversation not followed');
    return call;
  }

  private join(conversationId: string, info: CallJoinInfo): void {
    const conn = this.ws.connection();
    if (!conn || this.session?.callId === info.callId) return;
    this.leave();
    const session = new CallSession(conn, info);
    this.session = session;
    this.seenLive = false;
    this.state = { ...EMPTY, serverRecordings: this.state.serverRecordings, session: { conversationId, callId: info.callId, info, joinedAt: Date.now() } };
    this.sessionOff = [
      session.on('phase', (phase) => {
        if (phase !== 'ended') this.dispatch({ type: 'phase', phase });
      }),
      session.on('local', (local) => this.patch({ local, audio: audioProcessing(local) })),
      session.on('remote', (remote) => this.patch({ remote })),
      session.on('peer', (p) => this.dispatch({ type: 'peer', ...p })),
      session.on('quality', (q) => this.dispatch({ type: 'quality', quality: q.quality })),
      session.on('error', (e) => console.warn('[visavis] call media', e)),
    ];
    this.startRecorder(session, info);
    this.statsTimer = setInterval(() => void this.refreshStats(), 2000);
    this.followTimeline();
    this.patch({});
    session.start().catch((e: unknown) => {
      if (this.session !== session) return;
      console.warn('[visavis] could not start the call media', e);
      const device = typeof DOMException !== 'undefined' && e instanceof DOMException;
      this.patch({ error: { conversationId, code: device ? 'NO_DEVICE' : 'MEDIA_UNAVAILABLE' } });
      const live = liveCall(conversationId, this.ws.getState().timelines[conversationId]);
      if (live) void this.hangup(live);
      else this.leave();
    });
  }

  /** Ends the media when the timeline says the call is over (whoever ended it). */
  private followTimeline(): void {
    const s = this.state.session;
    if (!s) return;
    const live = liveCall(s.conversationId, this.ws.getState().timelines[s.conversationId]);
    if (live?.callId === s.callId) {
      this.seenLive = true;
      return;
    }
    if (this.seenLive) this.leave();
  }

  private leave(): void {
    const session = this.session;
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    if (!session) return;
    this.session = null;
    for (const off of this.sessionOff.splice(0)) off();
    // Stopped before the media: the last slice is uploaded and the recording finished in the background.
    void this.recorder?.stop();
    this.recorder = null;
    session.close();
    this.patch({ session: null, ui: initialCallUi, local: null, remote: null, sending: null, audio: null });
  }

  /** Client recording: the call's policy records (missing policy = off), so this browser records too. */
  private startRecorder(session: CallSession, info: CallJoinInfo): void {
    if ((info.recording?.mode ?? 'off') === 'off') return;
    let remote: MediaStream | null = null;
    let local: MediaStream | null = null;
    const recorder = new ClientRecorder({
      callId: info.callId,
      media: info.media,
      onChange: (s) => {
        if (this.recorder === recorder) this.patch({ recording: s });
      },
    });
    this.recorder = recorder;
    this.patch({ recording: recorder.status });
    this.sessionOff.push(
      session.on('local', (s) => recorder.setStreams(remote, (local = s))),
      session.on('remote', (s) => recorder.setStreams((remote = s), local)),
    );
  }

  private async refreshStats(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const sending = await session.sending().catch(() => null);
    if (this.session !== session) return;
    const audio = this.state.local ? audioProcessing(this.state.local) : null;
    const same =
      JSON.stringify(sending) === JSON.stringify(this.state.sending) &&
      JSON.stringify(audio) === JSON.stringify(this.state.audio);
    if (!same) this.patch({ sending, audio });
  }

  private dispatch(a: CallAction): void {
    const ui = callReducer(this.state.ui, a);
    if (ui !== this.state.ui) this.patch({ ui });
  }
}

function audioProcessing(stream: MediaStream): AudioProcessing | null {
  const track = stream.getAudioTracks()[0];
  if (!track || typeof track.getSettings !== 'function') return null;
  const s = track.getSettings();
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : null);
  return {
    echoCancellation: flag(s.echoCancellation),
    noiseSuppression: flag(s.noiseSuppression),
    autoGainControl: flag(s.autoGainControl),
  };
}

export const CallContext = createContext<CallStore | null>(null);

export function useCallStore(): CallStore {
  const c = useContext(CallContext);
  if (!c) throw new Error('useCallStore outside CallContext');
  return c;
}

export function useCall(): CallSnapshot {
  const c = useCallStore();
  return useSyncExternalStore(c.subscribe, c.getState);
}

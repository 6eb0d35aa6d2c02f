import type { CallJoinInfo, CallMedia } from '@visavis/protocol';
import { CallSession, VisavisError, type Call, type Connection, type ConnectionStatus } from '@visavis/client';
import {
  callReducer, initialCallUi, recordingStatus, screenOf,
  type CallAction, type CallScreen, type CallUi, type LiveCall, type RecordingStatus,
} from './call-state.js';
import type { Translate } from './i18n.js';
import type { Notice } from './notice.js';
import { describeFailure } from './problems.js';
import { LocalRecordings } from './local-recording.js';

/** The local microphone's processing as the browser applied it (not merely as asked). */
export interface AudioProcessing {
  echoCancellation: boolean | null;
  noiseSuppression: boolean | null;
  autoGainControl: boolean | null;
}

export interface CallDeps {
  /** The realtime connection the media signals over. */
  conn: () => Connection | null;
  /** The SDK's model of the conversation's call (live call, join rule, recording); null before a conversation. */
  call: () => Call | null;
  /** Whether an agent is in the conversation now (a call needs one). */
  canCall: () => boolean;
  notice: Notice;
  t: Translate;
  onChange: () => void;
}

/**
 * The visitor's calls: starting one from the chat, answering the agent's, and the media of the
 * live one through the SDK's CallSession. Owns no DOM; the view reads its fields. The call's
 * lifecycle, who may start or answer one, when the media joins (the `call.join` push or the
 * accept's ack, whichever comes first, once per call) and its recording are the SDK's `Call`.
 */
export class CallController {
  ui: CallUi = initialCallUi;
  local: MediaStream | null = null;
  remote: MediaStream | null = null;
  /** What the camera sends (largest simulcast layer), refreshed while the settings sheet is open. */
  sending: { width: number; height: number; fps: number | null } | null = null;
  /** Front/back camera switching makes sense: a phone, or more than one camera. */
  canSwitchCamera = false;
  /** Local clock when our media joined (the duration shown), null when not in a call. */
  joinedAt: number | null = null;
  /** Which camera is in use (the self-view is mirrored for the front one). */
  facing: 'user' | 'environment' = 'user';
  private session: CallSession | null = null;
  private sessionOff: (() => void)[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** The visitor's own recording of the call, when the policy allows it (Replay / Save afterwards). */
  readonly localRecording: LocalRecordings;

  constructor(private readonly d: CallDeps) {
    this.localRecording = new LocalRecordings(() => d.onChange());
  }

  get live(): LiveCall | null {
    return this.d.call()?.live ?? null;
  }

  get screen(): CallScreen {
    return screenOf(this.live, this.ui, 'visitor');
  }

  /** The realtime connection (signalling): while it is down the call shows "reconnecting". */
  get connection(): ConnectionStatus {
    return this.d.conn()?.status ?? 'closed';
  }

  get info(): CallJoinInfo | null {
    return this.session?.info ?? null;
  }

  /** Whether the ringing or live call is recorded, and whether it waits for or lost its recording. */
  get recording(): RecordingStatus {
    return this.d.call()?.recording ?? recordingStatus(null, null);
  }

  /** The Video / Voice buttons: an agent is there, no call rings or runs, and we are connected. */
  get canStart(): boolean {
    const call = this.d.call();
    return call !== null && call.block({ mayCall: this.d.canCall() }) === null && !this.ui.busy;
  }

  audioProcessing(): AudioProcessing | null {
    const track = this.local?.getAudioTracks()[0];
    if (!track || typeof track.getSettings !== 'function') return null;
    const s = track.getSettings();
    const flag = (v: unknown) => (typeof v === 'boolean' ? v : null);
    return { echoCancellation: flag(s.echoCancellation), noiseSuppression: flag(s.noiseSuppression), autoGainControl: flag(s.autoGainControl) };
  }

  // ---- commands ------------------------------------------------------------------------

  /** `acknowledged`: the visitor accepted the recording notice (sent again after RECORDING_NOTICE_REQUIRED). */
  async start(media: CallMedia, acknowledged = false): Promise<void> {
    const call = this.d.call();
    if (!call || !this.canStart) return;
    this.dispatch({ type: 'busy', busy: true });
    try {
      // The server picks the profile (720p by default); the visitor's phone need not know.
      await call.start(media, acknowledged ? { acknowledgeRecording: true } : {});
    } catch (e) {
      // Dual recording: the policy is the server's; the notice is shown when it asks for it.
      if (e instanceof VisavisError && e.code === 'RECORDING_NOTICE_REQUIRED' && !acknowledged) this.dispatch({ type: 'notice', media });
      else this.fail(e);
    } finally {
      this.dispatch({ type: 'busy', busy: false });
    }
  }

  async accept(): Promise<void> {
    const call = this.d.call();
    const live = this.live;
    if (!call || !live || !call.canAnswer || this.ui.busy) return;
    this.dispatch({ type: 'busy', busy: true });
    try {
      // A dual-recording call is answered from its notice ("Agree and answer"): that is the acknowledgement.
      // The media joins on the Call's `join`, which the ack gives (unless the push came first).
      await call.accept(live.recording?.dual ? { acknowledgeRecording: true } : {});
    } catch (e) {
      this.fail(e);
    } finally {
      this.dispatch({ type: 'busy', busy: false });
    }
  }

  /** The recording notice of the visitor's own call: agreed (start it again, acknowledged) or cancelled. */
  answerNotice(agree: boolean): void {
    const media = this.ui.notice;
    this.dispatch({ type: 'notice', media: null });
    if (agree && media) void this.start(media, true);
  }

  async decline(): Promise<void> {
    const call = this.d.call();
    if (!call?.live) return;
    this.dispatch({ type: 'busy', busy: true });
    await call.decline().catch((e: unknown) => this.fail(e));
    this.dispatch({ type: 'busy', busy: false });
  }

  /** Cancels our ringing call or hangs up the live one. */
  async hangup(): Promise<void> {
    const live = this.live;
    const session = this.session;
    if (session) {
      this.leave();
      await session.hangup();
      return;
    }
    const call = this.d.call();
    if (!live || !call) return;
    this.dispatch({ type: 'busy', busy: true });
    await call.hangup().catch((e: unknown) => this.fail(e));
    this.dispatch({ type: 'busy', busy: false });
  }

  toggleMute(): void {
    const muted = !this.ui.muted;
    this.dispatch({ type: 'muted', muted });
    void this.session?.setAudio(!muted);
  }

  toggleCamera(): void {
    const cameraOff = !this.ui.cameraOff;
    this.dispatch({ type: 'cameraOff', cameraOff });
    void this.session?.setVideo(!cameraOff);
  }

  switchCamera(): void {
    const session = this.session;
    if (!session) return;
    session.switchCamera().then(
      () => {
        this.facing = this.facing === 'user' ? 'environment' : 'user';
        this.d.onChange();
      },
      () => this.d.notice.show(this.d.t('callNoCamera')),
    );
  }

  minimise(minimised: boolean): void {
    this.dispatch({ type: 'minimise', minimised });
  }

  toggleSettings(): void {
    const open = !this.ui.settingsOpen;
    this.dispatch({ type: 'settings', open });
    if (open) void this.refreshSending();
  }

  // ---- from the chat controller ----------------------------------------------------------

  /** After every timeline change: a call that ended takes its media with it. */
  onTimeline(): void {
    const live = this.live;
    if (this.session && (!live || live.callId !== this.session.callId)) this.leave();
    // A second timer while a call rings or runs keeps the duration and the ringing line fresh.
    if (live && !this.ticker) this.ticker = setInterval(() => this.tick(), 1000);
    if (!live && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** The conversation changed or the chat restarted: drop any media. */
  reset(): void {
    this.leave();
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  // ---- media -----------------------------------------------------------------------------

  /** The Call's `join`: start this call's media (once per call; never for one that ended). */
  join(info: CallJoinInfo): void {
    const conn = this.d.conn();
    if (!conn || this.session?.callId === info.callId) return;
    this.leave();
    const session = new CallSession(conn, info, { facingMode: 'user' });
    this.session = session;
    this.joinedAt = Date.now();
    this.dispatch({ type: 'joined', callId: info.callId });
    this.sessionOff = [
      session.on('phase', (phase) => {
        if (phase !== 'ended') this.dispatch({ type: 'phase', phase });
      }),
      session.on('local', (stream) => {
        this.local = stream;
        void this.detectCameras(info);
        this.d.onChange();
      }),
      session.on('remote', (stream) => {
        this.remote = stream;
        this.d.onChange();
      }),
      session.on('peer', (p) => this.dispatch({ type: 'peer', ...p })),
      session.on('quality', (q) => this.dispatch({ type: 'quality', quality: q.quality })),
      session.on('error', (e) => console.warn('[visavis] call media', e)),
      session.on('local', () => this.localRecording.streams(this.remote, this.local)),
      session.on('remote', () => this.localRecording.streams(this.remote, this.local)),
    ];
    this.localRecording.begin(info);
    session.start().catch((e: unknown) => {
      if (this.session !== session) return;
      // No camera or microphone (denied, missing, busy): the call cannot go on.
      console.warn('[visavis] could not start the call media', e);
      const device = typeof DOMException !== 'undefined' && e instanceof DOMException;
      this.d.notice.show(this.d.t(device ? 'callNoCamera' : 'callFailed'));
      void this.hangup();
    });
  }

  private leave(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    for (const off of this.sessionOff) off();
    this.sessionOff = [];
    this.localRecording.end();
    session.close();
    this.local = null;
    this.remote = null;
    this.sending = null;
    this.joinedAt = null;
    this.canSwitchCamera = false;
    this.facing = 'user';
    this.dispatch({ type: 'left' });
  }

  private tick(): void {
    if (this.ui.settingsOpen) void this.refreshSending();
    this.d.onChange();
  }

  private async refreshSending(): Promise<void> {
    const s = await this.session?.sending().catch(() => null);
    this.sending = s ?? null;
    this.d.onChange();
  }

  private async detectCameras(info: CallJoinInfo): Promise<void> {
    if (info.media !== 'video') return;
    const phone = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
    let cameras = 0;
    try {
      cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').length;
    } catch {
      /* not allowed to list devices: rely on the pointer */
    }
    this.canSwitchCamera = phone || cameras > 1;
    this.d.onChange();
  }

  private dispatch(a: CallAction): void {
    const next = callReducer(this.ui, a);
    if (next === this.ui) return;
    this.ui = next;
    this.d.onChange();
  }

  private fail(e: unknown): void {
    const code = e instanceof VisavisError ? e.code : null;
    const t = this.d.t;
    this.d.notice.show(
      code === 'MEDIA_UNAVAILABLE'
        ? t('callUnavailable')
        : code === 'RECORDING_UNAVAILABLE'
          ? t('recUnavailable')
        : code === 'CALL_IN_PROGRESS'
          ? t('callBusy')
          : code === 'CALL_NOT_POSSIBLE'
            ? t('callNeedsAgent')
            : code === 'CALL_NOT_RINGING'
              ? t('callOver')
              : describeFailure(e, t, 'other'),
    );
  }
}

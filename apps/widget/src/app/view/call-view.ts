import type { CallController } from '../call.js';
import { formatDuration, qualityBars } from '../call-state.js';
import { initials } from '../format.js';
import type { MessageKey, Translate } from '../i18n.js';
import { el, icon, setText, show, type IconName } from './dom.js';
import { RecordingNotice, RecordingSigns } from './recording-notice.js';

/** A round call button with an icon and a short caption under it. */
function callButton(testId: string, cls: string, onClick: () => void): { root: HTMLButtonElement; icon: HTMLElement; label: HTMLElement } {
  const iconBox = el('span', { class: 'vv-cbtn-icon', 'aria-hidden': 'true' });
  const label = el('span', { class: 'vv-cbtn-label' });
  const root = el('button', { type: 'button', class: `vv-cbtn ${cls}`, 'data-testid': testId }, iconBox, label);
  root.addEventListener('click', onClick);
  return { root, icon: iconBox, label };
}

function setIcon(box: HTMLElement, name: IconName, size = 24): void {
  if (box.dataset.icon === name) return;
  box.dataset.icon = name;
  box.replaceChildren(icon(name, size));
}

/** Sets a media element's stream only when it changed (re-setting restarts playback). */
function attach(video: HTMLVideoElement, stream: MediaStream | null): void {
  if (video.srcObject === stream) return;
  video.srcObject = stream;
  if (stream) void video.play().catch(() => undefined);
}

/**
 * The visitor's call screens, mobile first:
 * - the call bar under the header (incoming call with Accept / Decline, our call ringing with
 *   Cancel, or a live call this page holds no media for);
 * - the call screen over the whole chat: the agent's video full screen, our own camera as a
 *   picture-in-picture, duration, network quality and the controls (mute, camera, flip, settings,
 *   hang up), a settings sheet showing the audio processing as applied and what is being sent;
 *   landscape puts the controls on the side. "Back to chat" shrinks it to a tile over the chat.
 * Everything from the server is set as text.
 */
export class CallView {
  readonly bar: HTMLElement;
  readonly stage: HTMLElement;
  readonly startVideo: HTMLButtonElement;
  readonly startVoice: HTMLButtonElement;
  /** The recording notice sheet of dual-recording calls (placed over the whole app). */
  readonly recordingNotice: HTMLElement;
  private readonly notice: RecordingNotice;
  private readonly rec: RecordingSigns;

  private readonly barIcon: HTMLElement;
  private readonly barTitle: HTMLElement;
  private readonly barSub: HTMLElement;
  private readonly accept: HTMLButtonElement;
  private readonly decline: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly end: HTMLButtonElement;

  private readonly remoteVideo: HTMLVideoElement;
  private readonly selfVideo: HTMLVideoElement;
  private readonly self: HTMLElement;
  private readonly avatar: HTMLElement;
  private readonly avatarCircle: HTMLElement;
  private readonly avatarName: HTMLElement;
  private readonly avatarNote: HTMLElement;
  private readonly name: HTMLElement;
  private readonly duration: HTMLElement;
  private readonly miniDuration: HTMLElement;
  private readonly quality: HTMLElement;
  private readonly status: HTMLElement;
  private readonly peerMuted: HTMLElement;
  private readonly mute;
  private readonly camera;
  private readonly flip;
  private readonly settings;
  private readonly hangup;
  private readonly sheet: HTMLElement;
  private readonly rows: Record<'echo' | 'noise' | 'gain' | 'sending' | 'profile' | 'network', HTMLElement>;

  constructor(
    private readonly call: CallController,
    private readonly t: Translate,
  ) {
    // ---- header buttons
    this.startVideo = el(
      'button',
      { type: 'button', class: 'vv-icon-btn vv-call-start', 'data-testid': 'call-start-video', 'aria-label': t('callVideo'), title: t('callVideo') },
      icon('video', 22),
    );
    this.startVoice = el(
      'button',
      { type: 'button', class: 'vv-icon-btn vv-call-start', 'data-testid': 'call-start-voice', 'aria-label': t('callVoice'), title: t('callVoice') },
      icon('phone', 20),
    );
    this.startVideo.addEventListener('click', () => void call.start('video'));
    this.startVoice.addEventListener('click', () => void call.start('audio'));

    this.notice = new RecordingNotice(call, t);
    this.recordingNotice = this.notice.root;
    this.rec = new RecordingSigns(call, t);

    // ---- the call bar
    this.barIcon = el('span', { class: 'vv-callbar-icon', 'aria-hidden': 'true' });
    this.barTitle = el('strong', { class: 'vv-callbar-title' });
    this.barSub = el('span', { class: 'vv-callbar-sub' });
    this.decline = el('button', { type: 'button', class: 'vv-callbar-btn vv-callbar-btn--end', 'data-testid': 'call-decline' }, icon('hangup', 20));
    this.accept = el('button', { type: 'button', class: 'vv-callbar-btn vv-callbar-btn--ok', 'data-testid': 'call-accept' }, icon('phone', 20));
    this.cancel = el('button', { type: 'button', class: 'vv-callbar-pill', 'data-testid': 'call-cancel' }, t('callCancel'));
    this.end = el('button', { type: 'button', class: 'vv-callbar-pill', 'data-testid': 'call-end' }, t('callEnd'));
    this.decline.setAttribute('aria-label', t('callDecline'));
    this.decline.title = t('callDecline');
    this.accept.setAttribute('aria-label', t('callAccept'));
    this.accept.title = t('callAccept');
    this.accept.addEventListener('click', () => void call.accept());
    this.decline.addEventListener('click', () => void call.decline());
    this.cancel.addEventListener('click', () => void call.hangup());
    this.end.addEventListener('click', () => void call.hangup());
    this.bar = el(
      'div',
      { class: 'vv-callbar', 'data-testid': 'call-bar', role: 'status', hidden: true },
      this.barIcon,
      el('div', { class: 'vv-callbar-text' }, this.barTitle, this.barSub, this.rec.barLine),
      el('div', { class: 'vv-callbar-actions' }, this.decline, this.accept, this.cancel, this.end),
    );

    // ---- the call screen
    this.remoteVideo = el('video', { class: 'vv-call-remote', 'data-testid': 'call-remote-video', autoplay: true, playsinline: true });
    this.remoteVideo.addEventListener('loadedmetadata', () => this.fit());
    this.remoteVideo.addEventListener('resize', () => this.fit());
    window.addEventListener('resize', () => this.fit());

    this.avatarCircle = el('div', { class: 'vv-call-avatar-circle' });
    this.avatarName = el('div', { class: 'vv-call-avatar-name' });
    this.avatarNote = el('div', { class: 'vv-call-avatar-note' });
    this.avatar = el('div', { class: 'vv-call-avatar', hidden: true }, this.avatarCircle, this.avatarName, this.avatarNote);

    this.selfVideo = el('video', { class: 'vv-call-self-video', autoplay: true, playsinline: true, muted: true });
    this.selfVideo.muted = true;
    this.self = el(
      'div',
      { class: 'vv-call-self', 'data-testid': 'call-self-view' },
      this.selfVideo,
      el('div', { class: 'vv-call-self-off', 'aria-hidden': 'true' }, icon('videoOff', 22)),
    );

    const minimise = el(
      'button',
      { type: 'button', class: 'vv-call-round vv-call-minimise', 'data-testid': 'call-minimise', 'aria-label': t('callMinimise'), title: t('callMinimise') },
      icon('chat', 20),
    );
    minimise.addEventListener('click', (e) => {
      e.stopPropagation();
      call.minimise(true);
    });
    this.name = el('span', { class: 'vv-call-name' });
    this.duration = el('span', { class: 'vv-call-duration', 'data-testid': 'call-duration' }, '0:00');
    this.quality = el(
      'span',
      { class: 'vv-call-quality', 'data-testid': 'call-quality', role: 'img' },
      el('i'),
      el('i'),
      el('i'),
    );
    const top = el(
      'div',
      { class: 'vv-call-top' },
      minimise,
      el('div', { class: 'vv-call-info' }, this.name, el('span', { class: 'vv-call-meta' }, this.quality, this.duration, this.rec.badge)),
    );
    this.status = el('div', { class: 'vv-call-status', 'data-testid': 'call-status', role: 'status', hidden: true });
    this.peerMuted = el('div', { class: 'vv-call-peer-muted', 'data-testid': 'call-peer-muted', hidden: true });

    this.mute = callButton('call-mute', 'vv-cbtn--toggle', () => call.toggleMute());
    this.camera = callButton('call-camera', 'vv-cbtn--toggle', () => call.toggleCamera());
    this.flip = callButton('call-switch-camera', '', () => call.switchCamera());
    this.settings = callButton('call-settings', '', () => call.toggleSettings());
    this.hangup = callButton('call-hangup', 'vv-cbtn--end', () => void call.hangup());
    setIcon(this.flip.icon, 'flip');
    setText(this.flip.label, t('callSwitch'));
    this.flip.root.setAttribute('aria-label', t('callSwitchLabel'));
    setIcon(this.settings.icon, 'tune');
    setText(this.settings.label, t('callSettings'));
    setIcon(this.hangup.icon, 'hangup', 28);
    setText(this.hangup.label, t('callHangup'));
    const controls = el(
      'div',
      { class: 'vv-call-controls' },
      this.mute.root,
      this.camera.root,
      this.flip.root,
      this.settings.root,
      this.hangup.root,
    );

    const row = (label: MessageKey, testId: string) => {
      const value = el('dd', { 'data-testid': testId });
      return { node: el('div', { class: 'vv-sheet-row' }, el('dt', {}, t(label)), value), value };
    };
    const echo = row('callEcho', 'call-setting-echo');
    const noise = row('callNoise', 'call-setting-noise');
    const gain = row('callGain', 'call-setting-gain');
    const sending = row('callSending', 'call-setting-sending');
    const profile = row('callProfile', 'call-setting-profile');
    const network = row('callNetwork', 'call-setting-network');
    this.rows = { echo: echo.value, noise: noise.value, gain: gain.value, sending: sending.value, profile: profile.value, network: network.value };
    const closeSheet = el('button', { type: 'button', class: 'vv-sheet-close', 'data-testid': 'call-settings-close' }, t('callClose'));
    closeSheet.addEventListener('click', () => call.toggleSettings());
    this.sheet = el(
      'section',
      { class: 'vv-sheet', 'data-testid': 'call-settings-sheet', 'aria-label': t('callSettingsTitle'), hidden: true },
      el('h2', { class: 'vv-sheet-title' }, t('callSettingsTitle')),
      el('dl', { class: 'vv-sheet-list' }, echo.node, noise.node, gain.node, sending.node, profile.node, network.node),
      closeSheet,
    );

    this.miniDuration = el('span', { class: 'vv-call-mini-duration' });
    const miniBar = el('div', { class: 'vv-call-mini-bar', 'aria-hidden': 'true' }, icon('expand', 14), this.miniDuration);

    this.stage = el(
      'div',
      { class: 'vv-call', 'data-testid': 'call-screen', role: 'dialog', 'aria-label': t('callVideo'), hidden: true },
      this.remoteVideo,
      this.avatar,
      this.self,
      this.rec.paused,
      top,
      this.status,
      this.peerMuted,
      controls,
      this.sheet,
      miniBar,
    );
    // The tile expands back to the call when tapped (or with Enter / Space from the keyboard).
    this.stage.addEventListener('click', () => {
      if (call.ui.minimised) call.minimise(false);
    });
    this.stage.addEventListener('keydown', (e) => {
      if (call.ui.minimised && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        call.minimise(false);
      }
    });
  }

  render(agentName: string): void {
    const c = this.call;
    const t = this.t;
    const screen = c.screen;
    const live = c.live;

    // Header buttons: only when a call can start now.
    show(this.startVideo, c.canStart);
    show(this.startVoice, c.canStart);
    this.rec.render(screen);
    this.notice.render(screen);

    // ---- bar
    const barOn = screen === 'incoming' || screen === 'outgoing' || screen === 'elsewhere';
    show(this.bar, barOn);
    this.bar.dataset.screen = screen;
    if (barOn && live) {
      setIcon(this.barIcon, live.media === 'video' ? 'video' : 'phone', 20);
      const kind = t(live.media === 'video' ? 'callVideo' : 'callVoice');
      setText(this.barTitle, screen === 'incoming' ? agentName : screen === 'outgoing' ? t('callCalling', { name: agentName }) : t('callElsewhere'));
      setText(this.barSub, screen === 'incoming' ? t(live.media === 'video' ? 'callIncomingVideo' : 'callIncomingVoice') : kind);
      show(this.accept, screen === 'incoming');
      // Dual recording: answering is agreeing to the notice shown with it.
      const acceptLabel = t(c.recording.dual ? 'recNoticeAgreeAnswer' : 'callAccept');
      this.accept.setAttribute('aria-label', acceptLabel);
      this.accept.title = acceptLabel;
      show(this.decline, screen === 'incoming');
      show(this.cancel, screen === 'outgoing');
      show(this.end, screen === 'elsewhere');
      for (const b of [this.accept, this.decline, this.cancel, this.end]) b.disabled = c.ui.busy;
    }

    // ---- stage
    const inCall = screen === 'in-call' || screen === 'mini';
    show(this.stage, inCall);
    if (!inCall || !live) {
      attach(this.remoteVideo, null);
      attach(this.selfVideo, null);
      return;
    }
    const video = live.media === 'video';
    const ui = c.ui;
    const mini = screen === 'mini';
    this.stage.classList.toggle('vv-call--mini', mini);
    this.stage.dataset.media = live.media;
    this.stage.dataset.phase = ui.phase;
    // Full screen it is a dialog; shrunk to a tile it is the button back to the call.
    this.stage.setAttribute('role', mini ? 'button' : 'dialog');
    this.stage.setAttribute('aria-label', mini ? t('callExpand') : t(video ? 'callVideo' : 'callVoice'));
    if (mini) this.stage.tabIndex = 0;
    else this.stage.removeAttribute('tabindex');
    attach(this.remoteVideo, c.remote);
    attach(this.selfVideo, video ? c.local : null);

    const peerVideo = video && ui.peer.video && c.remote !== null && c.remote.getVideoTracks().length > 0;
    show(this.avatar, !peerVideo);
    this.remoteVideo.classList.toggle('vv-call-remote--hidden', !peerVideo);
    setText(this.avatarCircle, initials(agentName));
    setText(this.avatarName, agentName);
    setText(this.avatarNote, video && !ui.peer.video ? t('callPeerCameraOff') : t(video ? 'callVideo' : 'callVoice'));

    show(this.self, video);
    this.self.classList.toggle('vv-call-self--off', ui.cameraOff);
    this.self.classList.toggle('vv-call-self--mirror', c.facing === 'user');

    setText(this.name, agentName);
    const elapsed = formatDuration(c.joinedAt === null ? 0 : Date.now() - c.joinedAt);
    setText(this.duration, elapsed);
    setText(this.miniDuration, elapsed);

    const bars = qualityBars(ui.quality);
    this.quality.dataset.bars = String(bars);
    this.quality.dataset.quality = ui.quality ?? 'unknown';
    const qualityText = t(
      ui.quality === 'good' ? 'callQualityGood' : ui.quality === 'fair' ? 'callQualityFair' : ui.quality === 'poor' ? 'callQualityPoor' : 'callQualityUnknown',
    );
    this.quality.setAttribute('aria-label', qualityText);
    this.quality.title = qualityText;

    // A call that must be recorded connects once its recording runs: say so rather than "Connecting…".
    const recStatus = c.connection === 'open' ? this.rec.status() : null;
    const statusOn = recStatus !== null || ui.phase !== 'connected' || c.connection !== 'open';
    show(this.status, statusOn);
    this.status.dataset.phase = ui.phase;
    this.status.dataset.recording = String(recStatus !== null);
    if (statusOn) setText(this.status, recStatus ?? (ui.phase === 'joining' && c.connection === 'open' ? t('callConnecting') : t('callReconnecting')));
    show(this.peerMuted, !ui.peer.audio);
    if (!ui.peer.audio) setText(this.peerMuted, t('callPeerMuted', { name: agentName }));

    setIcon(this.mute.icon, ui.muted ? 'micOff' : 'mic');
    setText(this.mute.label, t(ui.muted ? 'callUnmute' : 'callMute'));
    this.mute.root.setAttribute('aria-pressed', String(ui.muted));
    this.mute.root.setAttribute('aria-label', t(ui.muted ? 'callUnmute' : 'callMute'));
    setIcon(this.camera.icon, ui.cameraOff ? 'videoOff' : 'video');
    setText(this.camera.label, t(ui.cameraOff ? 'callCameraOn' : 'callCameraOff'));
    this.camera.root.setAttribute('aria-pressed', String(ui.cameraOff));
    this.camera.root.setAttribute('aria-label', t(ui.cameraOff ? 'callCameraOn' : 'callCameraOff'));
    show(this.camera.root, video);
    show(this.flip.root, video && c.canSwitchCamera && !ui.cameraOff);
    this.settings.root.setAttribute('aria-expanded', String(ui.settingsOpen));
    this.hangup.root.setAttribute('aria-label', t('callHangup'));

    show(this.sheet, ui.settingsOpen && screen === 'in-call');
    if (ui.settingsOpen) this.renderSheet(video, qualityText);
    this.fit();
  }

  private renderSheet(video: boolean, qualityText: string): void {
    const c = this.call;
    const t = this.t;
    const audio = c.audioProcessing();
    const onOff = (v: boolean | null | undefined) => (v === true ? t('callOn') : v === false ? t('callOff') : t('callUnknown'));
    setText(this.rows.echo, onOff(audio?.echoCancellation));
    setText(this.rows.noise, onOff(audio?.noiseSuppression));
    setText(this.rows.gain, onOff(audio?.autoGainControl));
    const s = c.sending;
    setText(
      this.rows.sending,
      !video ? t('callVoice') : s ? `${s.width}×${s.height}${s.fps ? ` · ${t('callFps', { fps: Math.round(s.fps) })}` : ''}` : '…',
    );
    setText(this.rows.profile, c.info?.profile ?? '');
    setText(this.rows.network, qualityText);
  }

  /**
   * Fill the screen when the video's shape matches it (a phone camera on a phone), otherwise show
   * all of it (a landscape webcam on a portrait phone would lose its sides).
   */
  private fit(): void {
    const v = this.remoteVideo;
    const box = this.stage.getBoundingClientRect();
    if (!v.videoWidth || !v.videoHeight || !box.width || !box.height) return;
    const sameShape = v.videoWidth >= v.videoHeight === box.width >= box.height;
    v.dataset.fit = sameShape ? 'cover' : 'contain';
  }
}

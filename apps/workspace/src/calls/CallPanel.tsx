import { useEffect, useMemo, useRef } from 'react';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { useNow, useWorkspace } from '../store/context.js';
import { HangupIcon, MicIcon, MicOffIcon, PhoneIcon, VideoIcon, VideoOffIcon } from '../components/Icons.js';
import { useCall, useCallStore, type CallSnapshot } from './callStore.js';
import { formatDuration, liveCall, liveCalls, qualityBars, type LiveCall } from './state.js';
import { RecBadge, RecordedLine, RecordingPaused, useRecording } from './RecordingSigns.js';
import { ScriptPanel } from './ScriptPanel.js';
import { SnapshotButton } from './SnapshotButton.js';
import { callErrorText } from './CallButtons.js';

/** The calls ringing or live in the conversations I follow (memoised on the timelines). */
export function useLiveCalls(): LiveCall[] {
  const { timelines } = useWorkspace();
  return useMemo(() => liveCalls(timelines), [timelines]);
}

/** A <video> bound to a MediaStream (React has no srcObject prop). */
export function StreamVideo({
  stream,
  muted = false,
  className,
  testId,
}: {
  stream: MediaStream | null;
  muted?: boolean;
  className: string;
  testId?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    v.muted = muted;
    if (v.srcObject !== stream) {
      v.srcObject = stream;
      if (stream) void v.play().catch(() => undefined);
    }
  }, [stream, muted]);
  return <video ref={ref} className={className} data-testid={testId} autoPlay playsInline muted={muted} />;
}

export function QualityBars({ quality }: { quality: CallSnapshot['ui']['quality'] }) {
  const { t } = useI18n();
  const bars = qualityBars(quality);
  const label = t(`call.quality.${quality ?? 'unknown'}` as MessageKey);
  return (
    <span
      className="call-quality"
      data-testid="call-quality"
      data-quality={quality ?? 'unknown'}
      data-bars={bars}
      role="img"
      aria-label={label}
      title={label}
    >
      <i />
      <i />
      <i />
    </span>
  );
}

/**
 * The call area of the chat pane, above the messages: my call ringing (Cancel), the live call's
 * video (remote large, self as picture-in-picture, duration, quality, controls and the audio
 * processing as applied), or a live call this window holds no media for (End call).
 */
export function CallPanel({ id, name }: { id: string; name: string }) {
  const { t } = useI18n();
  const state = useWorkspace();
  const calls = useCallStore();
  const snap = useCall();
  const here = liveCall(id, state.timelines[id]);
  const mine = snap.session?.conversationId === id && here?.callId === snap.session.callId;
  const error = snap.error?.conversationId === id ? snap.error.code : null;
  const busy = snap.busy.includes(id);

  const errorBox = error && (
    <div className="call-error" role="alert" data-testid="call-error">
      {callErrorText(error, t)}
      <button type="button" className="link" onClick={() => calls.clearError()}>
        ×
      </button>
    </div>
  );
  if (!here) return errorBox || null;

  if (here.status === 'ringing') {
    if (here.startedBy === 'visitor') return errorBox || null; // the ringing card answers it
    return (
      <>
        {errorBox}
        <div className="call-strip" data-testid="call-outgoing">
          <span className="call-strip-icon ringing" aria-hidden="true">
            {here.media === 'video' ? <VideoIcon size={18} /> : <PhoneIcon size={18} />}
          </span>
          <span className="call-strip-text">
            <strong>{t('call.calling', { name })}</strong>
            <span className="muted">
              {t(here.media === 'video' ? 'media.video' : 'media.audio')}
              {here.media === 'video' ? ` · ${here.profile}` : ''}
            </span>
            <RecordedLine call={here} />
          </span>
          <button
            type="button"
            className="btn btn-hangup"
            data-testid="call-cancel"
            disabled={busy}
            onClick={() => void calls.hangup(here)}
          >
            <HangupIcon /> {t('call.cancel')}
          </button>
        </div>
      </>
    );
  }

  if (!mine) {
    const fresh = here.answeredAt !== null && Date.now() - Date.parse(here.answeredAt) < 5000;
    return (
      <>
        {errorBox}
        <div className="call-strip" data-testid="call-elsewhere">
          <span className="call-strip-icon" aria-hidden="true">
            {here.media === 'video' ? <VideoIcon size={18} /> : <PhoneIcon size={18} />}
          </span>
          <span className="call-strip-text">
            <strong>{fresh ? t('call.connecting') : t('call.elsewhere')}</strong>
          </span>
          {!fresh && (
            <button
              type="button"
              className="btn btn-hangup"
              data-testid="call-end"
              disabled={busy}
              onClick={() => void calls.hangup(here)}
            >
              <HangupIcon /> {t('call.end')}
            </button>
          )}
        </div>
      </>
    );
  }
  return (
    <>
      {errorBox}
      <CallStage call={here} snap={snap} name={name} />
    </>
  );
}

function CallStage({ call, snap, name }: { call: LiveCall; snap: CallSnapshot; name: string }) {
  const { t } = useI18n();
  const calls = useCallStore();
  const now = useNow(1000);
  const { ui, remote, local, session } = snap;
  const rec = useRecording(call);
  const video = call.media === 'video';
  const peerVideo = video && ui.peer.video && remote !== null && remote.getVideoTracks().length > 0;
  const duration = formatDuration(session ? now - session.joinedAt : 0);
  const onOff = (v: boolean | null | undefined) =>
    v === true ? t('call.on') : v === false ? t('call.off') : t('call.unknown');
  const s = snap.sending;
  return (
    <section
      className={`call-stage call-${call.media}`}
      data-testid="call-panel"
      data-phase={ui.phase}
      aria-label={t('call.with', { name })}
    >
      <div className="call-screen">
        <StreamVideo
          stream={remote}
          className={`call-remote${peerVideo ? '' : ' call-remote-hidden'}`}
          testId="call-remote-video"
        />
        {!peerVideo && (
          <div className="call-avatar">
            <span className="call-avatar-circle">{(name.trim()[0] ?? '?').toUpperCase()}</span>
            <span className="call-avatar-note">{video ? t('call.peerCameraOff') : t('call.voiceOnly')}</span>
          </div>
        )}
        {video && (
          <div
            className={`call-self${ui.cameraOff ? ' call-self-off' : ''}`}
            data-testid="call-self-view"
            title={t('call.you')}
          >
            <StreamVideo stream={local} muted className="call-self-video" />
            {ui.cameraOff && <VideoOffIcon size={20} />}
          </div>
        )}
        <RecordingPaused call={call} />
        <div className="call-top">
          <span className="call-name">{name}</span>
          <span className="call-duration" data-testid="call-duration">
            {duration}
          </span>
          <QualityBars quality={ui.quality} />
          <RecBadge call={call} client={snap.recording} />
        </div>
        {(ui.phase !== 'connected' || rec.starting) && (
          <div className="call-status" data-testid="call-status" data-phase={ui.phase} data-recording={rec.starting}>
            {rec.starting ? t('callRec.starting') : ui.phase === 'joining' ? t('call.connecting') : t('call.reconnecting')}
          </div>
        )}
        {!ui.peer.audio && (
          <div className="call-peer-muted" data-testid="call-peer-muted">
            <MicOffIcon size={13} /> {t('call.peerMuted')}
          </div>
        )}
        <div className="call-controls">
          <button
            type="button"
            className={`call-btn${ui.muted ? ' on' : ''}`}
            data-testid="call-mute"
            aria-pressed={ui.muted}
            title={t(ui.muted ? 'call.unmute' : 'call.mute')}
            aria-label={t(ui.muted ? 'call.unmute' : 'call.mute')}
            onClick={() => calls.toggleMute()}
          >
            {ui.muted ? <MicOffIcon size={20} /> : <MicIcon size={20} />}
          </button>
          {video && (
            <button
              type="button"
              className={`call-btn${ui.cameraOff ? ' on' : ''}`}
              data-testid="call-camera"
              aria-pressed={ui.cameraOff}
              title={t(ui.cameraOff ? 'call.cameraOn' : 'call.cameraOff')}
              aria-label={t(ui.cameraOff ? 'call.cameraOn' : 'call.cameraOff')}
              onClick={() => calls.toggleCamera()}
            >
              {ui.cameraOff ? <VideoOffIcon size={20} /> : <VideoIcon size={20} />}
            </button>
          )}
          {video && <SnapshotButton call={call} />}
          <button
            type="button"
            className="call-btn call-btn-end"
            data-testid="call-hangup"
            title={t('call.hangup')}
            aria-label={t('call.hangup')}
            onClick={() => void calls.hangup(call)}
          >
            <HangupIcon size={22} />
          </button>
        </div>
      </div>
      <dl className="call-facts" data-testid="call-facts">
        <div>
          <dt>{t('call.audio')}</dt>
          <dd>
            <span data-testid="call-setting-echo" data-on={String(snap.audio?.echoCancellation)}>
              {t('call.echo')} {onOff(snap.audio?.echoCancellation)}
            </span>
            <span data-testid="call-setting-noise" data-on={String(snap.audio?.noiseSuppression)}>
              {t('call.noise')} {onOff(snap.audio?.noiseSuppression)}
            </span>
            <span data-testid="call-setting-gain" data-on={String(snap.audio?.autoGainControl)}>
              {t('call.gain')} {onOff(snap.audio?.autoGainControl)}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('call.sending')}</dt>
          <dd data-testid="call-setting-sending">
            {!video
              ? t('call.voiceOnly')
              : s
                ? `${s.width}×${s.height}${s.fps ? ` · ${Math.round(s.fps)} fps` : ''}`
                : '…'}
          </dd>
        </div>
        {video && (
          <div>
            <dt>{t('call.profileLabel')}</dt>
            <dd data-testid="call-setting-profile">{session?.info.profile ?? call.profile}</dd>
          </div>
        )}
      </dl>
      <ScriptPanel call={call} snap={snap} />
    </section>
  );
}

/**
 * The live call as a small tile in the corner while the agent looks at another conversation or
 * another section: the visitor's video, the duration, mute, hang up and the way back.
 */
export function CallTile({
  visible,
  name,
  onOpen,
}: {
  visible: boolean;
  name: string;
  onOpen: (conversationId: string) => void;
}) {
  const { t } = useI18n();
  const calls = useCallStore();
  const snap = useCall();
  const state = useWorkspace();
  const now = useNow(1000);
  const session = snap.session;
  if (!visible || !session) return null;
  const call = liveCall(session.conversationId, state.timelines[session.conversationId]);
  if (!call) return null;
  const peerVideo =
    call.media === 'video' && snap.ui.peer.video && (snap.remote?.getVideoTracks().length ?? 0) > 0;
  return (
    <aside className="call-tile" data-testid="call-tile" aria-label={t('call.with', { name })}>
      <button
        type="button"
        className="call-tile-video"
        onClick={() => onOpen(session.conversationId)}
        title={t('call.backToCall')}
      >
        <StreamVideo
          stream={snap.remote}
          className={`call-remote${peerVideo ? '' : ' call-remote-hidden'}`}
        />
        {!peerVideo && <span className="call-avatar-circle">{(name.trim()[0] ?? '?').toUpperCase()}</span>}
      </button>
      <div className="call-tile-bar">
        <span className="call-tile-name">{name}</span>
        <span className="call-duration">{formatDuration(now - session.joinedAt)}</span>
        <QualityBars quality={snap.ui.quality} />
        <button
          type="button"
          className={`call-btn small${snap.ui.muted ? ' on' : ''}`}
          aria-pressed={snap.ui.muted}
          aria-label={t(snap.ui.muted ? 'call.unmute' : 'call.mute')}
          onClick={() => calls.toggleMute()}
        >
          {snap.ui.muted ? <MicOffIcon size={16} /> : <MicIcon size={16} />}
        </button>
        <button
          type="button"
          className="call-btn small call-btn-end"
          aria-label={t('call.hangup')}
          onClick={() => void calls.hangup(call)}
        >
          <HangupIcon size={16} />
        </button>
      </div>
    </aside>
  );
}

import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { VideoOffIcon } from '../components/Icons.js';
import { useCall } from './callStore.js';
import { recordingStatus, type LiveCall, type RecordingStatus } from './state.js';

/**
 * The server-side recording of a call as the agent sees it: a line on the ringing card and the
 * "Calling…" strip, the "● REC" badge on the live call, "Starting the recording…" while a call
 * that must be recorded waits for it, and the overlay while such a call is paused because its
 * recording stopped. (The browser's own client recording has its indicator in RecIndicator.)
 */
export function useRecording(call: LiveCall | null): RecordingStatus {
  const snap = useCall();
  return recordingStatus(call, snap.serverRecording);
}

/** "This call is recorded" (or the dual-recording note) while the call rings. */
export function RecordedLine({ call }: { call: LiveCall }) {
  const { t } = useI18n();
  const rec = useRecording(call);
  if (!rec.recorded) return null;
  return (
    <span className="call-recorded" data-testid="recording-line" data-dual={rec.dual}>
      <i className="call-rec-dot-static" aria-hidden="true" />
      {t(rec.dual ? 'callRec.recordedDual' : 'callRec.recorded')}
    </span>
  );
}

/** The persistent "● REC" badge of a recorded live call. */
export function RecBadge({ call }: { call: LiveCall }) {
  const { t } = useI18n();
  const rec = useRecording(call);
  if (!rec.recorded) return null;
  const state = rec.state ?? 'starting';
  const title = t('callRec.badgeTitle', { state: t(`callRec.state.${state}` as MessageKey) });
  return (
    <span className="call-rec-badge" data-testid="rec-badge" data-state={state} role="img" aria-label={title} title={title}>
      <i aria-hidden="true" />
      {t('callRec.badge')}
    </span>
  );
}

/** Over the call while the server holds its media because the recording stopped. */
export function RecordingPaused({ call }: { call: LiveCall }) {
  const { t } = useI18n();
  const rec = useRecording(call);
  if (!rec.paused) return null;
  return (
    <div className="call-rec-paused" data-testid="recording-paused" role="alert">
      <span className="call-rec-paused-icon" aria-hidden="true">
        <VideoOffIcon size={24} />
      </span>
      <span>{t('callRec.paused')}</span>
    </div>
  );
}

import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { VideoOffIcon } from '../components/Icons.js';
import type { ClientRecordingStatus } from './chunk-uploader.js';
import { useCall } from './callStore.js';
import { recordingStatus, type LiveCall, type RecordingStatus } from './state.js';

/**
 * The server-side recording of a call as the agent sees it: a line on the ringing card and the
 * "Calling…" strip, the "● REC" badge on the live call, "Starting the recording…" while a call
 * that must be recorded waits for it, and the overlay while such a call is paused because its
 * recording stopped; the badge also shows the browser's own client recording.
 */
export function useRecording(call: LiveCall | null): RecordingStatus {
  const snap = useCall();
  const held = call ? snap.serverRecordings[call.conversationId] : undefined;
  return held ?? recordingStatus(call, null);
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

/**
 * The one "● REC" badge of a live call: the server-side recording (data-state: its state), with
 * this browser's own copy (client recording) as a small secondary part — how many slices the
 * server has and how many wait. The data attributes are for e2e tests.
 */
export function RecBadge({ call, client }: { call: LiveCall; client: ClientRecordingStatus | null }) {
  const { t } = useI18n();
  const rec = useRecording(call);
  if (!rec.recorded && !client) return null;
  const state = rec.state ?? 'starting';
  const clientFailed = client?.state === 'failed';
  const clientTitle = client ? (clientFailed ? t('call.recFailed', { code: client.error ?? '?' }) : t('call.recTitle')) : '';
  const serverTitle = rec.recorded ? t('callRec.badgeTitle', { state: t(`callRec.state.${state}` as MessageKey) }) : '';
  const title = [serverTitle, clientTitle].filter(Boolean).join('\n');
  return (
    <span
      className="call-rec-badge"
      data-testid={rec.recorded ? 'rec-badge' : undefined}
      data-state={rec.recorded ? state : undefined}
      role="img"
      aria-label={title}
      title={title}
    >
      <i aria-hidden="true" />
      {t('callRec.badge')}
      {client && (
        <span
          className="call-rec"
          data-testid="call-rec"
          data-state={client.state}
          data-uploaded={client.uploaded}
          data-pending={client.pending}
          data-dropped={client.dropped}
          data-latency-ms={client.lastLatencyMs ?? ''}
          data-mean-latency-ms={client.meanLatencyMs ?? ''}
          data-bytes={client.bytesUploaded}
          data-fps={client.fps ?? ''}
          data-draw-ms={client.drawMs ?? ''}
        >
          {t('call.recCopy')}
          <span className="call-rec-status" data-testid="call-rec-status">
            {clientFailed
              ? t('call.recFailed', { code: client.error ?? '?' })
              : t('call.recStatus', { uploaded: client.uploaded, pending: client.pending })}
            {client.dropped > 0 ? ` · ${t('call.recDropped', { n: client.dropped })}` : ''}
          </span>
        </span>
      )}
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

import { useI18n } from '../i18n/react.js';
import type { ClientRecordingStatus } from './client-recorder.js';

/**
 * "● REC" in the call's top bar while this browser records the call (client recording), with
 * how many slices the server has and how many wait. The data attributes are for e2e tests.
 */
export function RecIndicator({ status }: { status: ClientRecordingStatus }) {
  const { t } = useI18n();
  const failed = status.state === 'failed';
  return (
    <span
      className="call-rec"
      data-testid="call-rec"
      data-state={status.state}
      data-uploaded={status.uploaded}
      data-pending={status.pending}
      data-dropped={status.dropped}
      data-latency-ms={status.lastLatencyMs ?? ''}
      data-mean-latency-ms={status.meanLatencyMs ?? ''}
      data-bytes={status.bytesUploaded}
      data-fps={status.fps ?? ''}
      data-draw-ms={status.drawMs ?? ''}
      title={failed ? t('call.recFailed', { code: status.error ?? '?' }) : t('call.recTitle')}
    >
      <span className="call-rec-dot" aria-hidden="true">
        ● {t('call.rec')}
      </span>
      <span className="call-rec-status" data-testid="call-rec-status">
        {failed
          ? t('call.recFailed', { code: status.error ?? '?' })
          : t('call.recStatus', { uploaded: status.uploaded, pending: status.pending })}
        {status.dropped > 0 ? ` · ${t('call.recDropped', { n: status.dropped })}` : ''}
      </span>
    </span>
  );
}

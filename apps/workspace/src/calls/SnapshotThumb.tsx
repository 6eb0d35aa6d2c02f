import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../i18n/react.js';
import { snapshotImageUrl } from './snapshotMedia.js';
import { CameraIcon } from './SnapshotButton.js';

/**
 * A `call.snapshot` event in the conversation: the line with the still's size and its thumbnail,
 * fetched through a signed recording link; a click opens it full size (Escape or a click closes).
 */
export function SnapshotThumb({ recordingId, width, height }: { recordingId: string; width: number; height: number }) {
  const { t } = useI18n();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    let live = true;
    snapshotImageUrl(recordingId).then(
      (url) => live && setSrc(url),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [recordingId]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  const size = { width, height };
  return (
    <span className="sys-snapshot" data-testid="snapshot-event" data-recording-id={recordingId} data-width={width} data-height={height}>
      <span className="sys-snapshot-line">
        <CameraIcon size={12} /> {t('sys.snapshot', size)}
      </span>
      {src ? (
        <button type="button" className="snapshot-thumb" title={t('call.snapshotOpen')} onClick={() => setOpen(true)}>
          <img src={src} alt={t('call.snapshotAlt', size)} data-testid="snapshot-thumb" />
        </button>
      ) : (
        failed && <span className="muted">{t('call.snapshotUnavailable')}</span>
      )}
      {open &&
        src &&
        createPortal(
          <div className="snapshot-viewer" role="dialog" aria-modal="true" aria-label={t('call.snapshotAlt', size)} data-testid="snapshot-viewer" onClick={() => setOpen(false)}>
            <img src={src} alt={t('call.snapshotAlt', size)} data-testid="snapshot-full" />
            <a className="btn" href={src} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
              {t('call.snapshotOriginal', size)}
            </a>
            <button type="button" className="btn snapshot-viewer-close" onClick={() => setOpen(false)}>
              {t('call.snapshotClose')}
            </button>
          </div>,
          document.body,
        )}
    </span>
  );
}

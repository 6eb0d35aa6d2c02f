import { localStill } from '../call-snapshot.js';
import { snapshotTranslator } from '../i18n-snapshot.js';
import { safeUrl } from '../format.js';
import { el, icon } from './dom.js';

/** What a `call.snapshot` event shows in the visitor's timeline. */
export interface SnapshotNotice {
  notice: 'snapshot';
  callId: string;
  recordingId: string;
  width: number;
  height: number;
}

/** Rebuild the line when this page's own copy of the still turns up (after its upload answers). */
export function snapshotSignature(seq: number, n: SnapshotNotice): string {
  return `snap|${seq}|${localStill(n.recordingId) ? 1 : 0}`;
}

/**
 * The still this page took, from its memory copy; after a reload (or if another tab took it) only
 * a line with the size, since visitors cannot read recordings from the server.
 */
export function snapshotLine(seq: number, n: SnapshotNotice, lang: string): HTMLElement {
  const t = snapshotTranslator(lang);
  const size = { width: n.width, height: n.height };
  const still = localStill(n.recordingId);
  const src = still ? safeUrl(still.url, location.href, true) : null;
  return el(
    'li',
    {
      class: 'vv-system vv-system--snapshot',
      'data-testid': 'message',
      'data-seq': seq,
      'data-author': 'system',
      'data-notice': 'snapshot',
      'data-type': 'call.snapshot',
    },
    src && still
      ? el('img', {
          class: 'vv-snapshot',
          src,
          alt: t('snapshotAlt', size),
          'data-testid': 'snapshot-image',
          'data-width': still.width,
          'data-height': still.height,
          'data-bytes': still.bytes,
          'data-via': still.via,
          'data-capture-ms': still.captureMs,
          'data-upload-ms': still.uploadMs,
        })
      : null,
    el('span', { 'data-testid': 'message-text' }, icon('video', 14), t('snapshotLine', size)),
  );
}

import { formatDuration } from '../call-state.js';
import { localRecordingTranslator, type LocalRecordingTranslate } from '../i18n-local-recording.js';
import type { LocalRecordings } from '../local-recording.js';
import { safeUrl } from '../format.js';
import { el, icon, setText, show } from './dom.js';

/**
 * After a call the visitor recorded locally: a card over the chat ("Your recording of the call",
 * Replay, Save, Discard) and a player over the whole chat. The recording is an object URL of a
 * Blob in this page's memory; Save downloads that same blob.
 */
export class LocalRecordingView {
  readonly card: HTMLElement;
  readonly player: HTMLElement;
  private readonly info: HTMLElement;
  private readonly truncated: HTMLElement;
  private readonly save: HTMLAnchorElement;
  private readonly video: HTMLVideoElement;
  private readonly t: LocalRecordingTranslate;
  private shownUrl: string | null = null;

  constructor(private readonly rec: LocalRecordings, lang: string) {
    const t = (this.t = localRecordingTranslator(lang));
    this.info = el('span', { class: 'vv-localrec-info', 'data-testid': 'local-recording-info' });
    this.truncated = el('span', { class: 'vv-localrec-note', hidden: true }, t('localRecTruncated'));
    const replay = el('button', { type: 'button', class: 'vv-localrec-btn', 'data-testid': 'local-recording-replay' }, icon('video', 16), t('localRecReplay'));
    replay.addEventListener('click', () => rec.openPlayer(true));
    this.save = el('a', { class: 'vv-localrec-btn vv-localrec-btn--ghost', 'data-testid': 'local-recording-save', href: '#' }, t('localRecSave'));
    const discard = el('button', { type: 'button', class: 'vv-text-btn', 'data-testid': 'local-recording-discard' }, t('localRecDiscard'));
    discard.addEventListener('click', () => {
      rec.discard();
      rec.openPlayer(false);
    });
    this.card = el(
      'div',
      { class: 'vv-localrec', 'data-testid': 'local-recording', hidden: true },
      el('div', { class: 'vv-localrec-text' }, el('strong', {}, t('localRecTitle')), this.info, el('span', { class: 'vv-localrec-note' }, t('localRecHint')), this.truncated),
      el('div', { class: 'vv-localrec-actions' }, replay, this.save, discard),
    );
    this.video = el('video', { class: 'vv-localrec-video', 'data-testid': 'local-recording-video', controls: true, playsinline: true });
    const close = el('button', { type: 'button', class: 'vv-localrec-btn', 'data-testid': 'local-recording-close' }, t('localRecClose'));
    close.addEventListener('click', () => rec.openPlayer(false));
    this.player = el(
      'div',
      { class: 'vv-localrec-player', role: 'dialog', 'aria-label': t('localRecPlayer'), 'data-testid': 'local-recording-player', hidden: true },
      el('div', { class: 'vv-localrec-bar' }, el('strong', {}, t('localRecPlayer')), close),
      this.video,
    );
  }

  render(): void {
    const last = this.rec.last;
    show(this.card, last !== null);
    this.card.dataset.state = this.rec.state;
    if (last) {
      setText(this.info, this.t('localRecInfo', { duration: formatDuration(last.durationMs), size: (last.bytes / 1048576).toFixed(1) }));
      show(this.truncated, last.truncated);
      this.card.dataset.bytes = String(last.bytes);
      this.card.dataset.durationMs = String(last.durationMs);
      const url = safeUrl(last.url, location.href, true);
      if (url && this.save.getAttribute('href') !== url) {
        this.save.href = url;
        this.save.download = this.rec.fileName();
      }
    }
    const open = this.rec.playerOpen && last !== null;
    show(this.player, open);
    const src = open && last ? safeUrl(last.url, location.href, true) : null;
    if (src !== this.shownUrl) {
      this.shownUrl = src;
      if (src) {
        this.video.src = src;
        void this.video.play().catch(() => undefined);
      } else {
        this.video.pause();
        this.video.removeAttribute('src');
        this.video.load();
      }
    }
  }
}

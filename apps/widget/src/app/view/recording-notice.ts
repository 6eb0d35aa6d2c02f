import type { CallController } from '../call.js';
import type { CallScreen } from '../call-state.js';
import type { Translate } from '../i18n.js';
import { el, icon, setText, show } from './dom.js';

/**
 * The recording notice of a dual-recording (雙錄) call, as a sheet over the chat. Two cases:
 * - the visitor pressed Video / Voice and the server answered RECORDING_NOTICE_REQUIRED (the
 *   widget does not know the policy beforehand): "I agree" starts the call again, acknowledged;
 *   "Cancel" drops it;
 * - the agent calls and the ringing event says dual: "Agree and answer" answers with the
 *   acknowledgement, "Decline" declines.
 * Fixed strings only; nothing from the server is shown here.
 */
export class RecordingNotice {
  readonly root: HTMLElement;
  private readonly sheet: HTMLElement;
  private readonly agree: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly body: HTMLElement;
  private readonly icon: HTMLElement;
  private media: 'video' | 'audio' | null = null;
  private mode: 'start' | 'answer' | null = null;

  constructor(
    private readonly call: CallController,
    private readonly t: Translate,
  ) {
    const titleId = 'vv-recnotice-title';
    this.agree = el('button', { type: 'button', class: 'vv-recnotice-agree', 'data-testid': 'recording-notice-agree' });
    this.cancel = el('button', { type: 'button', class: 'vv-recnotice-cancel', 'data-testid': 'recording-notice-cancel' });
    this.agree.addEventListener('click', () => {
      if (this.mode === 'answer') void call.accept();
      else call.answerNotice(true);
    });
    this.cancel.addEventListener('click', () => {
      if (this.mode === 'answer') void call.decline();
      else call.answerNotice(false);
    });
    this.body = el('p', { class: 'vv-recnotice-text' });
    this.icon = el('span', { class: 'vv-recnotice-icon', 'aria-hidden': 'true' });
    this.sheet = el(
      'section',
      { class: 'vv-recnotice-sheet', 'data-testid': 'recording-notice', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
      el(
        'div',
        { class: 'vv-recnotice-head' },
        this.icon,
        el('h2', { class: 'vv-recnotice-title', id: titleId }, t('recNoticeTitle')),
      ),
      this.body,
      el('p', { class: 'vv-recnotice-text vv-recnotice-text--muted' }, t('recNoticeStorage')),
      el('div', { class: 'vv-recnotice-actions' }, this.agree, this.cancel),
    );
    this.root = el('div', { class: 'vv-recnotice', hidden: true }, this.sheet);
    // Escape means "no", as the Cancel / Decline button does.
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.cancel.click();
    });
  }

  render(screen: CallScreen): void {
    const c = this.call;
    const mode = screen === 'incoming' && c.recording.dual ? 'answer' : screen === 'none' && c.ui.notice ? 'start' : null;
    const opened = mode !== null && this.mode === null;
    this.mode = mode;
    show(this.root, mode !== null);
    if (!mode) return;
    this.sheet.dataset.mode = mode;
    const media = (mode === 'answer' ? c.live?.media : c.ui.notice) ?? 'video';
    setText(this.body, this.t(media === 'audio' ? 'recNoticeBodyVoice' : 'recNoticeBody'));
    if (media !== this.media) {
      this.media = media;
      this.icon.replaceChildren(icon(media === 'audio' ? 'phone' : 'video', 22), el('i', { class: 'vv-recnotice-dot' }));
    }
    setText(this.agree, this.t(mode === 'answer' ? 'recNoticeAgreeAnswer' : 'recNoticeAgree'));
    setText(this.cancel, this.t(mode === 'answer' ? 'recNoticeDecline' : 'recNoticeCancel'));
    this.agree.disabled = c.ui.busy;
    this.cancel.disabled = c.ui.busy;
    if (opened) this.agree.focus({ preventScroll: true });
  }
}

/**
 * The smaller signs of a recorded call: "This call is recorded" in the call bar while it rings,
 * the "● REC" badge on the call screen, "Starting the recording…" as the call's status, and the
 * overlay while a call that must be recorded is paused because its recording stopped.
 */
export class RecordingSigns {
  readonly barLine: HTMLElement;
  readonly badge: HTMLElement;
  readonly paused: HTMLElement;

  constructor(
    private readonly call: CallController,
    private readonly t: Translate,
  ) {
    this.barLine = el('span', { class: 'vv-callbar-rec', 'data-testid': 'recording-line', hidden: true }, el('i', { class: 'vv-rec-dot', 'aria-hidden': 'true' }), t('recRecordedLine'));
    this.badge = el(
      'span',
      { class: 'vv-rec-badge', 'data-testid': 'rec-badge', role: 'img', 'aria-label': t('recBadgeLabel'), title: t('recBadgeLabel'), hidden: true },
      el('i', { class: 'vv-rec-dot', 'aria-hidden': 'true' }),
      t('recBadge'),
    );
    this.paused = el(
      'div',
      { class: 'vv-rec-paused', 'data-testid': 'recording-paused', role: 'alert', hidden: true },
      el('span', { class: 'vv-rec-paused-icon', 'aria-hidden': 'true' }, icon('videoOff', 26)),
      el('p', { class: 'vv-rec-paused-text' }, t('recPaused')),
    );
  }

  /** The status line to show instead of "Connecting…" while the recording starts, or null. */
  status(): string | null {
    return this.call.recording.starting ? this.t('recStarting') : null;
  }

  render(screen: CallScreen): void {
    const r = this.call.recording;
    show(this.barLine, r.recorded && (screen === 'incoming' || screen === 'outgoing'));
    show(this.badge, r.recorded && (screen === 'in-call' || screen === 'mini'));
    this.badge.dataset.state = r.state ?? '';
    show(this.paused, r.paused && (screen === 'in-call' || screen === 'mini'));
  }
}

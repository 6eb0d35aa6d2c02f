import type { ChatController } from '../chat.js';
import type { Translate } from '../i18n.js';
import { initials } from '../format.js';
import { Composer } from './composer.js';
import { EndCard } from './endcard.js';
import { OfflineForm } from './offline-form.js';
import { queueText } from '../queue.js';
import { MessageList } from './messages.js';
import { el, icon, setText, show } from './dom.js';
import { CallView } from './call-view.js';
import { LocalRecordingView } from './local-recording-view.js';
import { HistoryView } from './history-view.js';

export interface ViewOptions {
  embedded: boolean;
  lang: string;
  /** Embedded only: ask the loader to close the panel. */
  onMinimise: () => void;
}

/**
 * The whole chat screen. `render()` is idempotent and cheap: it reads the controller's state
 * and touches only what changed; it is batched to one call per animation frame.
 */
export class AppView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly brand: HTMLElement;
  private readonly statusDot: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly endChat: HTMLButtonElement;
  private readonly banner: HTMLElement;
  private readonly queue: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly welcome: HTMLElement;
  private readonly list: MessageList;
  private readonly typing: HTMLElement;
  private readonly typingText: HTMLElement;
  private readonly endCard: EndCard;
  private readonly offlineForm: OfflineForm;
  private readonly queueText: HTMLElement;
  private readonly failure: HTMLElement;
  private readonly failureText: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly composer: Composer;
  private readonly callView: CallView;
  private readonly localRecording: LocalRecordingView;
  private readonly header: HTMLElement;
  private readonly history: HistoryView;
  private scheduled = false;
  private lastTimeline: unknown = null;
  private wasClosed = false;
  private wasClosedNow = false;
  /** Whether the visitor is reading the newest messages (then we follow new content). */
  private stick = true;

  constructor(private readonly chat: ChatController, private readonly t: Translate, opts: ViewOptions) {
    this.brand = el('div', { class: 'vv-brand', 'aria-hidden': 'true' }, icon('chat', 20));
    this.title = el('h1', { class: 'vv-title' }, t('title'));
    this.statusDot = el('span', { class: 'vv-dot' });
    this.statusText = el('span', { class: 'vv-status-text' });
    const status = el('div', { class: 'vv-status', 'data-testid': 'connection-status' }, this.statusDot, this.statusText);
    this.endChat = el('button', { type: 'button', class: 'vv-text-btn', 'data-testid': 'end-chat' }, t('endChat'));
    this.endChat.addEventListener('click', () => void chat.endConversation());
    this.callView = new CallView(chat.call, t);
    this.localRecording = new LocalRecordingView(chat.call.localRecording, opts.lang);
    const header = (this.header = el(
      'header',
      { class: 'vv-header' },
      this.brand,
      el('div', { class: 'vv-header-text' }, this.title, status),
      this.callView.startVideo,
      this.callView.startVoice,
      this.endChat,
    ));
    if (opts.embedded) {
      const min = el('button', { type: 'button', class: 'vv-icon-btn vv-minimise', 'aria-label': t('minimise'), title: t('minimise') }, icon('close', 20));
      min.addEventListener('click', opts.onMinimise);
      header.append(min);
    }

    this.banner = el('div', { class: 'vv-banner', 'data-testid': 'status-banner', role: 'status', hidden: true });
    this.queueText = el('span', { 'data-testid': 'queue-text' });
    this.queue = el(
      'div',
      { class: 'vv-queue', 'data-testid': 'queue-state', role: 'status', hidden: true },
      icon('clock', 16),
      this.queueText,
    );

    this.welcome = el(
      'div',
      { class: 'vv-welcome' },
      el('div', { class: 'vv-welcome-icon', 'aria-hidden': 'true' }, icon('chat', 28)),
      el('p', { class: 'vv-welcome-title' }, t('welcome')),
      el('p', { class: 'vv-welcome-hint' }, t('welcomeHint')),
    );
    this.list = new MessageList(t, opts.lang, (id) => chat.retry(id));
    this.typingText = el('span', { class: 'vv-typing-text' });
    this.typing = el(
      'div',
      { class: 'vv-typing', 'data-testid': 'typing-indicator', 'aria-live': 'polite', hidden: true },
      el('span', { class: 'vv-typing-dots', 'aria-hidden': 'true' }, el('i'), el('i'), el('i')),
      this.typingText,
    );
    this.endCard = new EndCard(t, {
      submitCsat: (score, comment) => void chat.submitCsat(score, comment),
      newConversation: () => {
        this.endCard.reset();
        chat.newConversation();
      },
    });
    this.offlineForm = new OfflineForm(t, (input) => void chat.offline.send(input, chat.pageUrl));
    this.failureText = el('p', { class: 'vv-failure-text' });
    const retry = el('button', { type: 'button', class: 'vv-secondary' }, t('tryAgain'));
    retry.addEventListener('click', () => chat.retryStart());
    this.failure = el('div', { class: 'vv-failure', role: 'alert', hidden: true }, this.failureText, retry);

    this.history = new HistoryView(chat.earlier, t, opts.lang);
    this.scroller = el('main', { class: 'vv-scroller' }, this.history.root, this.welcome, this.list.root, this.typing, this.offlineForm.root, this.endCard.root, this.failure);
    this.scroller.setAttribute('role', 'log');
    this.scroller.addEventListener('scroll', () => {
      this.stick = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    }, { passive: true });
    // Images change the height when they load; stay at the bottom if we were there.
    this.scroller.addEventListener('load', () => {
      if (this.stick) this.scrollToBottom();
    }, true);
    // So does a new viewport size (a phone turned to landscape, the panel resized): without this
    // the list keeps its scroll offset and the newest messages end up out of view.
    window.addEventListener('resize', () => {
      if (this.stick) this.scrollToBottom();
    });
    this.notice = el('div', { class: 'vv-notice', role: 'alert', 'data-testid': 'notice', hidden: true });
    this.notice.addEventListener('click', () => chat.notice.dismiss());

    this.composer = new Composer(t, {
      send: (text) => chat.sendText(text),
      sendFile: (file) => chat.sendFile(file),
      input: (hasText) => chat.onInput(hasText),
    });
    const footer = el('div', { class: 'vv-footer' }, this.notice, this.composer.root, el('div', { class: 'vv-powered' }, t('poweredBy')));

    this.root = el(
      'div',
      { class: `vv-app${opts.embedded ? ' vv-app--embedded' : ' vv-app--page'}` },
      header,
      this.banner,
      this.callView.bar,
      this.localRecording.card,
      this.queue,
      this.scroller,
      footer,
      this.callView.stage,
      this.callView.recordingNotice,
      this.localRecording.player,
    );
  }

  /** Ask for a redraw; several state changes in one frame cost one render. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.render();
    };
    if (typeof requestAnimationFrame === 'function' && document.visibilityState !== 'hidden') requestAnimationFrame(run);
    else setTimeout(run, 0);
  }

  focusInput(): void {
    this.composer.focus();
  }

  render(): void {
    const c = this.chat;
    const tl = c.timeline;
    if (this.lastTimeline !== tl) {
      // A new conversation (or a restarted session): start the list afresh.
      this.list.clear();
      this.lastTimeline = tl;
    }
    setText(this.title, c.orgName || this.t('title'));
    if (c.orgName && this.brand.dataset.org !== c.orgName) {
      this.brand.dataset.org = c.orgName;
      this.brand.replaceChildren(initials(c.orgName));
    }

    const conn = c.phase === 'ready' ? c.connection : c.phase === 'error' ? 'closed' : 'connecting';
    this.statusDot.dataset.state = conn;
    setText(
      this.statusText,
      conn === 'open' ? this.t('statusOnline') : conn === 'reconnecting' ? this.t('statusReconnecting') : conn === 'closed' ? this.t('statusOffline') : this.t('statusConnecting'),
    );
    const bannerOn = c.phase === 'ready' && (c.connection === 'reconnecting' || c.connection === 'closed');
    show(this.banner, bannerOn);
    this.banner.dataset.state = c.connection;
    if (bannerOn) setText(this.banner, c.connection === 'reconnecting' ? this.t('bannerReconnecting') : this.t('bannerOffline'));

    const closed = tl.status === 'closed';
    const queued = !closed && tl.status === 'queued';
    const closedNow = queued && c.queue?.closed === true;
    show(this.queue, queued);
    if (queued) setText(this.queueText, queueText(c.queue, this.t));
    this.queue.dataset.position = c.queue && !c.queue.closed ? String(c.queue.position) : '';
    this.queue.dataset.closed = String(closedNow);
    show(this.offlineForm.root, closedNow || (queued && c.offline.state === 'sent'));
    this.offlineForm.update(c.offline.state, c.offline.error);

    show(this.failure, c.phase === 'error');
    setText(this.failureText, c.errorText ?? '');

    // Opening an earlier conversation must not be scrolled away: then we stay where the visitor is.
    const historyChanged = this.history.render();
    if (historyChanged) this.stick = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    const nearBottom = this.stick && !historyChanged;
    const before = this.list.root.childElementCount;
    show(this.welcome, c.phase !== 'error' && tl.items.length === 0 && !closed);
    this.list.render(tl);

    const typingOn = c.agentTyping && !closed;
    show(this.typing, typingOn);
    if (typingOn) setText(this.typingText, this.t('agentTyping', { name: tl.agentName || this.t('agentFallbackName') }));

    show(this.endCard.root, closed);
    this.endCard.update(tl.csatScore !== null, c.csatSubmitting);
    show(this.endChat, c.phase === 'ready' && c.conversationId !== null && !closed);

    show(this.notice, c.notice.text !== null);
    setText(this.notice, c.notice.text ?? '');

    this.callView.render(tl.agentName || this.t('agentFallbackName'));
    this.localRecording.render();
    // Room for the call buttons: narrow screens drop the brand mark while they show.
    this.header.classList.toggle('vv-header--calls', c.call.canStart);

    // While the team is closed the form above takes the message; the composer comes back when it opens.
    show(this.composer.root, !closed && !closedNow);
    this.composer.setEnabled(c.phase === 'ready');

    // Follow new content when the visitor is at the bottom (or it is their own message).
    const grew = this.list.root.childElementCount !== before;
    const lastMine = tl.items.at(-1)?.type === 'message' && (tl.items.at(-1) as { author: string }).author === 'visitor';
    if (nearBottom || (grew && lastMine) || (closed && !this.wasClosed) || (closedNow && !this.wasClosedNow) || typingOn) this.scrollToBottom();
    this.wasClosed = closed;
    this.wasClosedNow = closedNow;
  }

  private scrollToBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.stick = true;
  }
}

import type { ConversationSummary } from '@visavis/protocol';
import type { EarlierConversations } from '../history.js';
import type { Translate } from '../i18n.js';
import { el, setText, show } from './dom.js';
import { MessageList } from './messages.js';

/** Day and time of a past conversation in the visitor's language; empty when unparsable. */
function formatWhen(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  } catch {
    return d.toISOString().slice(0, 16).replace('T', ' ');
  }
}

interface Entry {
  root: HTMLElement;
  toggle: HTMLButtonElement;
  status: HTMLElement;
  body: HTMLElement;
  list: MessageList;
  shown: unknown;
}

/**
 * "Earlier conversations (n)" above the current chat: folded by default so the current
 * conversation keeps the screen on a phone; unfolded, each past conversation opens in place as
 * a read-only transcript drawn by the same MessageList as the live one.
 */
export class HistoryView {
  readonly root: HTMLElement;
  private readonly sectionToggle: HTMLButtonElement;
  private readonly items: HTMLElement;
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly earlier: EarlierConversations,
    private readonly t: Translate,
    private readonly lang: string,
  ) {
    this.sectionToggle = el('button', { type: 'button', class: 'vv-history-toggle', 'data-testid': 'history-toggle', 'aria-expanded': 'false' });
    this.sectionToggle.addEventListener('click', () => earlier.toggleSection());
    this.items = el('ol', { class: 'vv-history-items', 'data-testid': 'history-list', hidden: true });
    this.root = el('section', { class: 'vv-history', 'data-testid': 'history', hidden: true }, this.sectionToggle, this.items);
  }

  /** Redraws; answers whether anything changed (the caller then leaves the scroll position alone). */
  render(): boolean {
    const before = this.signature();
    this.draw();
    return this.signature() !== before;
  }

  /** What the visitor sees of the section, cheaply: which parts are shown and in which state. */
  private signature(): string {
    const { list, expanded } = this.earlier;
    return `${list.length}:${expanded}:${list.map((c) => this.earlier.state(c.id).kind).join(',')}`;
  }

  private draw(): void {
    const { list, expanded } = this.earlier;
    show(this.root, list.length > 0);
    if (list.length === 0) return;
    setText(this.sectionToggle, expanded ? this.t('historyHide') : this.t('historyShow', { n: list.length }));
    this.sectionToggle.setAttribute('aria-expanded', String(expanded));
    show(this.items, expanded);
    if (!expanded) return;
    // Oldest first, like a chat: reading down leads to the current conversation below.
    const ordered = [...list].reverse();
    const keep = new Set(ordered.map((c) => c.id));
    for (const [id, e] of this.entries) {
      if (!keep.has(id)) {
        e.root.remove();
        this.entries.delete(id);
      }
    }
    let cursor: ChildNode | null = this.items.firstChild;
    for (const c of ordered) {
      const entry = this.entries.get(c.id) ?? this.create(c);
      this.update(c.id, entry);
      if (cursor !== entry.root) this.items.insertBefore(entry.root, cursor);
      cursor = entry.root.nextSibling;
    }
  }

  private create(c: ConversationSummary): Entry {
    const toggle = el(
      'button',
      { type: 'button', class: 'vv-history-entry', 'data-testid': 'history-entry', 'data-conversation-id': c.id, 'aria-expanded': 'false' },
      el('span', { class: 'vv-history-when' }, formatWhen(c.lastMessageAt ?? c.createdAt, this.lang)),
      el('span', { class: 'vv-history-preview' }, c.lastMessageText ?? ''),
    );
    toggle.addEventListener('click', () => this.earlier.toggle(c.id));
    const status = el('p', { class: 'vv-history-status', role: 'status', hidden: true });
    status.addEventListener('click', () => {
      if (this.earlier.state(c.id).kind === 'failed') this.earlier.toggle(c.id);
    });
    // Read-only: nothing here was sent from this page, so there is never anything to retry.
    const list = new MessageList(this.t, this.lang, () => {});
    const body = el(
      'div',
      { class: 'vv-history-body', 'data-testid': 'history-transcript', hidden: true },
      el('p', { class: 'vv-history-readonly' }, this.t('historyReadOnly')),
      list.root,
    );
    const root = el('li', { class: 'vv-history-item' }, toggle, status, body);
    const entry: Entry = { root, toggle, status, body, list, shown: null };
    this.entries.set(c.id, entry);
    return entry;
  }

  private update(id: string, e: Entry): void {
    const s = this.earlier.state(id);
    e.toggle.setAttribute('aria-expanded', String(s.kind === 'ready'));
    show(e.status, s.kind === 'loading' || s.kind === 'failed' || (s.kind === 'ready' && s.timeline.items.length === 0));
    e.status.dataset.state = s.kind;
    if (s.kind === 'loading') setText(e.status, this.t('historyLoading'));
    else if (s.kind === 'failed') setText(e.status, this.t('historyFailed'));
    else if (s.kind === 'ready' && s.timeline.items.length === 0) setText(e.status, this.t('historyEmpty'));
    show(e.body, s.kind === 'ready' && s.timeline.items.length > 0);
    if (s.kind === 'ready' && e.shown !== s.timeline) {
      e.list.clear();
      e.list.render(s.timeline);
      e.shown = s.timeline;
    }
  }
}

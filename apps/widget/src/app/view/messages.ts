import type { Timeline, TimelineItem, MessageItem, SystemItem } from '../timeline.js';
import type { Translate } from '../i18n.js';
import { callNoticeText, type CallNoticeData } from '../call-state.js';
import { el, icon } from './dom.js';
import { snapshotLine, snapshotSignature } from './snapshot-view.js';
import { formatTime, initials, linkify, safeUrl } from '../format.js';
import { formatBytes } from '../files.js';

/**
 * The message list. Items are keyed (clientMsgId or seq), and a node is rebuilt only when what
 * it shows changed, so an optimistic bubble turns into the confirmed one in place and the list
 * does not flicker on every event. Everything from the server is set with textContent or as a
 * checked URL attribute.
 */
export class MessageList {
  readonly root: HTMLOListElement;
  private readonly nodes = new Map<string, { node: HTMLElement; signature: string }>();

  constructor(
    private readonly t: Translate,
    private readonly lang: string,
    private readonly onRetry: (clientMsgId: string) => void,
  ) {
    this.root = el('ol', { class: 'vv-list', 'aria-label': t('title') });
  }

  clear(): void {
    this.nodes.clear();
    this.root.replaceChildren();
  }

  render(timeline: Timeline): void {
    const keep = new Set<string>();
    let prev: TimelineItem | null = null;
    let cursor: ChildNode | null = this.root.firstChild;
    for (const item of timeline.items) {
      const first = !sameSender(prev, item);
      const signature = signatureOf(item, timeline, first);
      keep.add(item.key);
      let entry = this.nodes.get(item.key);
      if (!entry || entry.signature !== signature) {
        const node = item.type === 'system' ? this.system(item) : this.message(item, timeline, first);
        if (entry) {
          const previous = entry.node;
          previous.replaceWith(node);
          if (cursor === previous) cursor = node;
        }
        entry = { node, signature };
        this.nodes.set(item.key, entry);
      }
      // Keep DOM order equal to timeline order, moving only nodes that are out of place.
      if (cursor !== entry.node) this.root.insertBefore(entry.node, cursor);
      cursor = entry.node.nextSibling;
      prev = item;
    }
    for (const [key, entry] of this.nodes) {
      if (!keep.has(key)) {
        entry.node.remove();
        this.nodes.delete(key);
      }
    }
  }

  private system(item: SystemItem): HTMLElement {
    const n = item.notice;
    if (n.notice === 'snapshot') return snapshotLine(item.seq, n, this.lang);
    const text =
      n.notice === 'queued'
        ? this.t('systemQueued')
        : n.notice === 'assigned'
          ? this.t('systemAssigned', { name: n.agentName || this.t('agentFallbackName') })
          : n.notice === 'closed'
            ? this.t(n.by === 'agent' ? 'systemClosedAgent' : n.by === 'visitor' ? 'systemClosedVisitor' : 'systemClosedInactivity')
            : n.notice === 'transferred'
              ? this.t(n.to === 'group' ? 'systemTransferredGroup' : 'systemTransferred', { name: n.name })
              : n.notice === 'call'
                ? callText(n, this.t)
                : n.text;
    if (n.notice === 'call') {
      const missed = n.status === 'ended' && (n.durationMs ?? null) === null;
      return el(
        'li',
        {
          class: `vv-system vv-system--call${missed ? ' vv-system--missed' : ''}`,
          'data-testid': 'message',
          'data-seq': item.seq,
          'data-author': 'system',
          'data-notice': 'call',
          'data-call-status': n.status,
          'data-call-reason': n.reason,
        },
        el('span', { 'data-testid': 'message-text' }, icon(n.media === 'video' ? 'video' : 'phone', 14), text),
      );
    }
    return el(
      'li',
      { class: 'vv-system', 'data-testid': 'message', 'data-seq': item.seq, 'data-author': 'system', 'data-notice': n.notice },
      el('span', { 'data-testid': 'message-text' }, text),
    );
  }

  private message(item: MessageItem, timeline: Timeline, first: boolean): HTMLElement {
    const mine = item.author === 'visitor';
    const row = el('li', {
      class: `vv-row ${mine ? 'vv-row--mine' : 'vv-row--agent'}${first ? ' vv-row--first' : ''}`,
      'data-testid': 'message',
      'data-seq': item.seq ?? '',
      'data-author': item.author,
      'data-state': item.state,
      'data-client-msg-id': item.clientMsgId ?? undefined,
    });
    const name = item.authorName || this.t('agentFallbackName');
    if (!mine) {
      row.append(
        first ? el('div', { class: 'vv-avatar', 'aria-hidden': 'true' }, initials(name)) : el('div', { class: 'vv-avatar-spacer' }),
      );
    }
    const column = el('div', { class: 'vv-col' });
    if (!mine && first) column.append(el('div', { class: 'vv-author' }, name));

    const bubble = el('div', { class: `vv-bubble${item.kind === 'image' ? ' vv-bubble--media' : ''}` });
    const attachment = this.attachment(item);
    if (attachment) bubble.append(attachment);
    if (item.text) {
      const text = el('div', { class: 'vv-text', 'data-testid': 'message-text', dir: 'auto' });
      for (const seg of linkify(item.text)) {
        text.append(
          seg.kind === 'text' ? seg.text : el('a', { href: seg.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, seg.text),
        );
      }
      bubble.append(text);
    }
    column.append(bubble);
    column.append(this.meta(item, timeline));
    row.append(column);
    return row;
  }

  private attachment(item: MessageItem): HTMLElement | null {
    const a = item.attachment;
    if (!a && !item.localPreviewUrl) return null;
    const base = location.href;
    const url = safeUrl(a?.url, base);
    const fileName = a?.name || this.t('attachment');
    if (item.kind === 'image') {
      const src = url ?? safeUrl(item.localPreviewUrl, base, true);
      if (src) {
        const img = el('img', { class: 'vv-thumb', src, alt: fileName, loading: 'lazy', decoding: 'async' });
        return url ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', 'aria-label': this.t('openImage') }, img) : img;
      }
    }
    const label = el(
      'span',
      { class: 'vv-file-text' },
      el('span', { class: 'vv-file-name' }, fileName),
      el('span', { class: 'vv-file-size' }, a?.expired ? this.t('attachmentExpired') : a ? formatBytes(a.size) : ''),
    );
    const iconBox = el('span', { class: 'vv-file-icon' }, icon('file', 20));
    if (url) {
      return el('a', { class: 'vv-file', href: url, download: fileName, target: '_blank', rel: 'noopener noreferrer', title: this.t('download') }, iconBox, label);
    }
    return el('div', { class: 'vv-file' }, iconBox, label);
  }

  private meta(item: MessageItem, timeline: Timeline): HTMLElement {
    const meta = el('div', { class: 'vv-meta' });
    if (item.state === 'failed' && item.clientMsgId) {
      const id = item.clientMsgId;
      const retry = el('button', { type: 'button', class: 'vv-retry' }, this.t('failed'));
      retry.addEventListener('click', () => this.onRetry(id));
      meta.append(retry);
      return meta;
    }
    if (item.state === 'pending') {
      meta.append(el('span', { class: 'vv-pending' }, item.kind === 'text' ? this.t('sending') : this.t('uploading')));
      return meta;
    }
    meta.append(el('time', { datetime: item.at }, formatTime(item.at, this.lang)));
    const receipt = timeline.receiptFor(item);
    if (receipt !== 'none') {
      meta.append(
        el(
          'span',
          { class: `vv-receipt vv-receipt--${receipt}`, 'data-receipt': receipt, title: this.t(receipt), 'aria-label': this.t(receipt) },
          receipt === 'read' ? '✓✓' : '✓',
        ),
      );
    }
    return meta;
  }
}

function sameSender(prev: TimelineItem | null, item: TimelineItem): boolean {
  if (!prev || prev.type !== 'message' || item.type !== 'message') return false;
  return prev.author === item.author && prev.authorName === item.authorName;
}

/** Everything a node's rendering depends on; a change means the node is rebuilt. */
function signatureOf(item: TimelineItem, timeline: Timeline, first: boolean): string {
  if (item.type === 'system' && item.notice.notice === 'snapshot') return snapshotSignature(item.seq, item.notice);
  if (item.type === 'system') return item.notice.notice === 'call' ? `call|${item.seq}|${item.notice.status}|${item.notice.recording ?? ''}` : `sys|${item.seq}`;
  return [
    item.seq ?? '',
    item.state,
    first ? 1 : 0,
    timeline.receiptFor(item),
    item.attachment?.url ?? '',
    item.localPreviewUrl ?? '',
    item.authorName ?? '',
  ].join('|');
}

function callText(n: CallNoticeData, t: Translate): string {
  const { key, params, recording } = callNoticeText(n);
  return recording ? `${t(key, params)} · ${t(recording)}` : t(key, params);
}

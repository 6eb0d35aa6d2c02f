import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useI18n } from '../i18n/react.js';
import { displayItems, type Timeline } from '../lib/timeline.js';
import { useStore, useWorkspace } from '../store/context.js';
import { EventItem, PendingItem } from './MessageItem.js';
import { callMediaById } from '../calls/state.js';

interface Props {
  conversationId: string;
  timeline: Timeline;
  /** The summary says there are events; show "loading" until the replay arrives. */
  expectHistory: boolean;
}

const STICK_PX = 80; // "at the bottom" tolerance, so a new message keeps the view pinned

/**
 * The scrolling history. Pins to the bottom unless the agent scrolled up to read, and marks
 * messages read only once they are actually on screen in a visible tab.
 */
// memo: the chat pane re-renders every second for the waiting clock; the history need not.
export const MessageList = memo(function MessageList({ conversationId, timeline, expectHistory }: Props) {
  const { t } = useI18n();
  const store = useStore();
  const { me } = useWorkspace();
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const visible = useRef(new Set<number>());
  const items = useMemo(() => displayItems(timeline), [timeline]);
  const callsById = useMemo(() => callMediaById(timeline.events), [timeline.events]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
  };

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [items.length]);

  // The list can shrink under the agent (a call panel opens above it, the window is resized):
  // stay at the newest messages if that is where we were.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const flushRead = useCallback(() => {
    if (document.visibilityState !== 'visible' || visible.current.size === 0) return;
    store.markRead(conversationId, Math.max(...visible.current));
  }, [store, conversationId]);

  // Observe every sequenced row; the highest one on screen is how far the agent has read.
  useEffect(() => {
    const root = scrollRef.current;
    if (!root || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const seq = Number((e.target as HTMLElement).dataset.seq);
          if (!Number.isFinite(seq) || seq <= 0) continue;
          if (e.isIntersecting) visible.current.add(seq);
          else visible.current.delete(seq);
        }
        flushRead();
      },
      { root, threshold: 0.6 },
    );
    root.querySelectorAll<HTMLElement>('[data-seq]').forEach((n) => n.dataset.seq && io.observe(n));
    return () => io.disconnect();
  }, [items, flushRead]);

  // Also flush when the tab comes back to the front, and when receipts change (a new visitor
  // message may already be on screen when it arrives).
  useEffect(() => {
    flushRead();
    document.addEventListener('visibilitychange', flushRead);
    window.addEventListener('focus', flushRead);
    return () => {
      document.removeEventListener('visibilitychange', flushRead);
      window.removeEventListener('focus', flushRead);
    };
  }, [flushRead, timeline]);

  return (
    <div className="messages" ref={scrollRef} onScroll={onScroll} role="log" aria-live="polite">
      {items.length === 0 && expectHistory && <div className="messages-note">{t('chat.loading')}</div>}
      {items.map((it) =>
        it.kind === 'event' ? (
          <EventItem
            key={it.key}
            ev={it.ev}
            receipts={timeline.receipts}
            meId={me.id}
            call={'callId' in it.ev.event ? callsById[it.ev.event.callId] : undefined}
          />
        ) : (
          <PendingItem
            key={it.key}
            p={it.p}
            onRetry={() => store.outbox.retry(conversationId, it.p.clientMsgId)}
            onDiscard={() => store.outbox.discard(conversationId, it.p.clientMsgId)}
          />
        ),
      )}
    </div>
  );
});

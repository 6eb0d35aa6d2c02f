import { memo, useState } from 'react';
import type { ConversationSummary } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { sortedScope } from '../lib/inbox.js';
import { WAIT_WARN_MS, formatDate, formatTime, formatUnread, formatWait } from '../lib/format.js';
import { visitorLabel } from '../lib/visitorName.js';
import { waitingSince } from '../lib/timeline.js';
import { useNow, useStore, useWorkspace } from '../store/context.js';
import { unreadOf } from '../store/state.js';
import { ClockIcon } from './Icons.js';

type Tab = 'live' | 'closed';

export function ConversationList({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  const store = useStore();
  const state = useWorkspace();
  const [tab, setTab] = useState<Tab>('live');
  const now = useNow(1000);

  const switchTab = (next: Tab) => {
    setTab(next);
    // The closed list is only fetched when looked at, and refreshed each time.
    if (next === 'closed') void store.loadScope('closed');
  };

  const items = sortedScope(state.summaries, tab);
  const liveCount = tab === 'live' ? items.length : sortedScope(state.summaries, 'live').length;
  const load = state.load[tab];

  return (
    <nav className="col col-list" aria-label={t('list.live')}>
      <div className="tabs" role="tablist">
        <button
          role="tab"
          type="button"
          data-testid="tab-live"
          aria-selected={tab === 'live'}
          className={tab === 'live' ? 'tab active' : 'tab'}
          onClick={() => switchTab('live')}
        >
          {t('list.live')}
          <span className="tab-count">{liveCount}</span>
        </button>
        <button
          role="tab"
          type="button"
          data-testid="tab-closed"
          aria-selected={tab === 'closed'}
          className={tab === 'closed' ? 'tab active' : 'tab'}
          onClick={() => switchTab('closed')}
        >
          {t('list.closed')}
        </button>
      </div>
      <div className="list-scroll">
        {load === 'error' && (
          <div className="list-note error">
            {t('list.error')}{' '}
            <button type="button" className="link" onClick={() => void store.loadScope(tab)}>
              {t('list.retry')}
            </button>
          </div>
        )}
        {items.length === 0 && load !== 'error' && (
          <div className="list-note">
            {load === 'loading' || load === 'idle'
              ? t('list.loading')
              : t(tab === 'live' ? 'list.emptyLive' : 'list.emptyClosed')}
          </div>
        )}
        <ul className="conv-list">
          {items.map((s) => {
            const tl = state.timelines[s.id];
            return (
              <ConversationItem
                key={s.id}
                s={s}
                unread={unreadOf(state, s)}
                waitingFrom={tab === 'live' && tl ? waitingSince(tl) : null}
                now={now}
                selected={state.selectedId === s.id}
                fresh={state.fresh.includes(s.id)}
                typing={state.typing[s.id] === true}
                onSelect={() => {
                  store.select(s.id);
                  onOpen();
                }}
              />
            );
          })}
        </ul>
      </div>
    </nav>
  );
}

interface ItemProps {
  s: ConversationSummary;
  unread: number;
  waitingFrom: string | null;
  now: number;
  selected: boolean;
  fresh: boolean;
  typing: boolean;
  onSelect: () => void;
}

const ConversationItem = memo(function ConversationItem({
  s,
  unread,
  waitingFrom,
  now,
  selected,
  fresh,
  typing,
  onSelect,
}: ItemProps) {
  const { t, lang } = useI18n();
  const name = visitorLabel(s, t);
  const waitMs = waitingFrom ? now - Date.parse(waitingFrom) : null;
  const when = s.status === 'closed' ? s.closedAt : (s.lastMessageAt ?? s.createdAt);
  const sameDay = when ? new Date(when).toDateString() === new Date(now).toDateString() : false;
  const badge = formatUnread(unread);
  return (
    <li>
      <button
        type="button"
        className={`conv ${selected ? 'selected' : ''} ${fresh || unread > 0 ? 'attention' : ''}`}
        data-testid="conversation-item"
        data-conversation-id={s.id}
        data-status={s.status}
        aria-current={selected ? 'true' : undefined}
        onClick={onSelect}
      >
        <span className="conv-avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="conv-body">
          <span className="conv-row">
            <span className="conv-name">{name}</span>
            <span className="conv-time">
              {when ? (sameDay ? formatTime(when, lang) : formatDate(when, lang)) : ''}
            </span>
          </span>
          <span className="conv-row">
            <span className={`conv-preview ${typing ? 'typing' : ''}`}>
              {typing ? t('chat.typing', { name }) : s.lastMessageText || t('list.noMessages')}
            </span>
            {badge && (
              <span className="badge" data-testid="unread-badge" title={t('list.unread', { n: unread })}>
                {badge}
              </span>
            )}
          </span>
          <span className="conv-row conv-meta">
            <span className={`status status-${s.status}`}>{t(`status.${s.status}`)}</span>
            {fresh && <span className="pill pill-new">{t('list.new')}</span>}
            {s.status === 'closed' && s.csatScore != null && (
              <span className="stars" aria-label={`${s.csatScore}/5`}>
                {'★'.repeat(s.csatScore)}
              </span>
            )}
            {waitMs != null && (
              <span
                className={`wait ${waitMs >= WAIT_WARN_MS ? 'wait-warn' : ''}`}
                data-testid="waiting-time"
                title={t('list.waiting', { time: formatWait(waitMs, { d: t('unit.d'), h: t('unit.h') }) })}
              >
                <ClockIcon /> {formatWait(waitMs, { d: t('unit.d'), h: t('unit.h') })}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
});

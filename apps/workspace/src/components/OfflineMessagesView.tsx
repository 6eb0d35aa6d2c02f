import { useState } from 'react';
import { useI18n } from '../i18n/react.js';
import { formatDateTime, safeUrl } from '../lib/format.js';
import { visitorLabel } from '../lib/visitorName.js';
import { routingApi } from '../routing/api.js';
import { errorText, usePoll } from '../routing/hooks.js';
import { useRefs } from '../routing/refs.js';
import type { OfflineMessage } from '@visavis/protocol';
import { RichText } from './MessageItem.js';

/** Messages visitors left while their group was closed; anyone may handle one and mark it done. */
export function OfflineMessagesView({ onCount }: { onCount: (n: number) => void }) {
  const { t, lang } = useI18n();
  const refs = useRefs();
  const [status, setStatus] = useState<'open' | 'done'>('open');
  const [messages, setMessages] = useState<OfflineMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = async (which = status) => {
    try {
      const { messages: list } = await routingApi.offlineMessages(which);
      setMessages(list);
      setError(null);
      if (which === 'open') onCount(list.length);
    } catch (e) {
      setError(errorText(e, t));
    }
  };
  usePoll(() => load(), 15_000);

  const switchTo = (next: 'open' | 'done') => {
    setStatus(next);
    setMessages(null);
    void load(next);
  };

  const done = async (id: string) => {
    setBusy(id);
    try {
      await routingApi.markOfflineDone(id);
      await load();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };

  const groupName = (id: string | null) => (id ? (refs.groups.find((g) => g.id === id)?.name ?? null) : null);
  return (
    <main className="view view-offline" data-testid="offline-view">
      <header className="view-head">
        <h2>{t('offline.title')}</h2>
        <div className="seg">
          {(['open', 'done'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={status === s ? 'seg-item active' : 'seg-item'}
              data-testid={`offline-tab-${s}`}
              onClick={() => switchTo(s)}
            >
              {t(s === 'open' ? 'offline.open' : 'offline.done')}
            </button>
          ))}
        </div>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {messages === null && !error && <p className="panel-note">{t('app.loading')}</p>}
      {messages?.length === 0 && (
        <p className="panel-note empty-queue">
          {t(status === 'open' ? 'offline.emptyOpen' : 'offline.emptyDone')}
        </p>
      )}
      <ul className="offline-list">
        {messages?.map((m) => {
          const page = safeUrl(m.pageUrl);
          return (
            <li key={m.id} className="card offline-item" data-testid="offline-message" data-id={m.id}>
              <div className="offline-head">
                <strong>{m.name || visitorLabel(m, t)}</strong>
                {m.contact && <span className="offline-contact">{m.contact}</span>}
                {groupName(m.groupId) && <span className="chip">{groupName(m.groupId)}</span>}
                <span className="muted offline-time">{formatDateTime(m.createdAt, lang)}</span>
              </div>
              <p className="offline-text" data-testid="offline-text">
                <RichText text={m.text} />
              </p>
              <div className="offline-foot">
                {page && (
                  <a
                    className="truncate muted"
                    href={page}
                    target="_blank"
                    rel="noopener noreferrer nofollow"
                  >
                    {m.pageUrl}
                  </a>
                )}
                {m.status === 'open' && (
                  <button
                    type="button"
                    className="btn btn-ghost"
                    data-testid="offline-done"
                    disabled={busy === m.id}
                    onClick={() => void done(m.id)}
                  >
                    {t('offline.markDone')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </main>
  );
}

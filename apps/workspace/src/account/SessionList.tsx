import type { SessionView } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { formatDateTime } from '../lib/format.js';
import { describeDevice } from '../lib/useragent.js';

/** Sessions with where and when they were used; each can be ended (own list and the admin's). */
export function SessionList({ sessions, onRevoke }: { sessions: SessionView[]; onRevoke: (s: SessionView) => void }) {
  const { t, lang } = useI18n();
  if (sessions.length === 0) return <p className="muted">{t('sessions.none')}</p>;
  return (
    <ul className="session-list" data-testid="session-list">
      {sessions.map((s) => (
        <li key={s.id} data-testid="session-row" data-current={s.current}>
          <div>
            <strong>{describeDevice(s.userAgent) ?? t('sessions.unknownDevice')}</strong>
            {s.current && <span className="acct-tag acct-tag-info session-current">{t('sessions.this')}</span>}
            <div className="muted">
              {t('sessions.started', { time: formatDateTime(s.createdAt, lang) })} ·{' '}
              {t('sessions.lastUsed', { time: formatDateTime(s.lastUsedAt, lang) })}
              {s.ip ? ` · ${s.ip}` : ''}
            </div>
          </div>
          {!s.current && (
            <button type="button" className="btn btn-ghost" data-testid="session-revoke" onClick={() => onRevoke(s)}>
              {t('sessions.revoke')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

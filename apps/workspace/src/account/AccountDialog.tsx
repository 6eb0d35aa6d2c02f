import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { PASSWORD_RULES, type SessionView } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { ApiError } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { accountApi } from './accountApi.js';
import { SessionList } from './SessionList.js';
import { TwoFactorPanel } from './TwoFactorPanel.js';

export type AccountTab = 'password' | 'sessions' | 'totp';

const TABS: [AccountTab, 'account.password' | 'account.sessions' | 'account.totp'][] = [
  ['password', 'account.password'],
  ['sessions', 'account.sessions'],
  ['totp', 'account.totp'],
];

/** The signed-in person's own account: password, sessions, second factor. */
export function AccountDialog({ tab, onTab, onClose }: { tab: AccountTab; onTab: (t: AccountTab) => void; onClose: () => void }) {
  const { t } = useI18n();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal modal-wide account-dialog" role="dialog" aria-modal="true" aria-labelledby="account-title" data-testid="account-dialog">
        <h3 id="account-title">{t('account.menu')}</h3>
        <div className="seg" role="tablist">
          {TABS.map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="tab"
              aria-selected={tab === key}
              className={tab === key ? 'seg-item active' : 'seg-item'}
              data-testid={`account-tab-${key}`}
              onClick={() => onTab(key)}
            >
              {t(label)}
            </button>
          ))}
        </div>
        <div className="account-dialog-body">
          {tab === 'password' && <ChangePasswordForm />}
          {tab === 'sessions' && <OwnSessions />}
          {tab === 'totp' && <TwoFactorPanel />}
        </div>
        <div className="modal-actions">
          <button type="button" className="btn btn-ghost" data-testid="account-close" onClick={onClose}>
            {t('account.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

function ChangePasswordForm() {
  const { t } = useI18n();
  const [f, setF] = useState({ current: '', next: '', repeat: '' });
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (f.next.length < PASSWORD_RULES.minLength) return setStatus({ ok: false, text: t('setpw.weak') });
    if (f.next !== f.repeat) return setStatus({ ok: false, text: t('setpw.mismatch') });
    setBusy(true);
    try {
      await accountApi.changePassword(f.current, f.next);
      setF({ current: '', next: '', repeat: '' });
      setStatus({ ok: true, text: t('account.changed') });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      setStatus({
        ok: false,
        text: code === 'INVALID_CREDENTIALS' ? t('account.wrongCurrent') : code === 'WEAK_PASSWORD' ? t('setpw.weak') : errorText(err, t),
      });
    } finally {
      setBusy(false);
    }
  }

  const field = (key: keyof typeof f, label: 'account.current' | 'account.new' | 'account.repeat', auto: string) => (
    <label className="field">
      <span>{t(label)}</span>
      <input
        className="input"
        type="password"
        autoComplete={auto}
        data-testid={`password-${key}`}
        value={f[key]}
        onChange={(e) => {
          setF((x) => ({ ...x, [key]: e.target.value }));
          setStatus(null);
        }}
      />
    </label>
  );
  return (
    <form className="form" onSubmit={submit} data-testid="change-password">
      <p className="muted">{t('setpw.rules', { min: PASSWORD_RULES.minLength })}</p>
      {field('current', 'account.current', 'current-password')}
      {field('next', 'account.new', 'new-password')}
      {field('repeat', 'account.repeat', 'new-password')}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="password-submit">
          {t('account.password')}
        </button>
      </div>
      {status && (
        <p className={status.ok ? 'form-ok' : 'form-error'} role="status">
          {status.text}
        </p>
      )}
    </form>
  );
}

function OwnSessions() {
  const { t } = useI18n();
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    accountApi.sessions().then((r) => setSessions(r.sessions), (e: unknown) => setError(errorText(e, t)));
  }, [t]);
  useEffect(load, [load]);
  return (
    <div>
      <p className="muted">{t('sessions.policy')}</p>
      {error && <p className="form-error">{error}</p>}
      <SessionList
        sessions={sessions}
        onRevoke={(s) => accountApi.revokeSession(s.id).then(load, (e: unknown) => setError(errorText(e, t)))}
      />
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { VisavisError } from '@visavis/client';
import { api, type Session } from '../api.js';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { requestNotificationPermission, unlockAudio } from '../lib/notify.js';
import { LanguageSelect } from './LanguageSelect.js';

function errorKey(e: unknown): { key: MessageKey; code?: string } {
  if (e instanceof VisavisError) {
    if (e.code === 'INVALID_CREDENTIALS' || e.code === 'VALIDATION_FAILED')
      return { key: 'login.error.credentials' };
    if (e.code === 'RATE_LIMITED') return { key: 'login.error.rateLimited' };
    if (e.code === 'NETWORK') return { key: 'login.error.network' };
    return { key: 'login.error.generic', code: e.code };
  }
  return { key: 'login.error.generic', code: 'INTERNAL' };
}

export function LoginPage({ onLoggedIn }: { onLoggedIn: (s: Session) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ key: MessageKey; code?: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    // The click is a user gesture: the only moment browsers let us unlock audio and ask
    // for notification permission without being blocked.
    unlockAudio();
    requestNotificationPermission();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await api.login(email.trim(), password));
    } catch (err) {
      setError(errorKey(err));
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} noValidate>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            V
          </span>
          <div>
            <h1>{t('app.name')}</h1>
            <p>{t('login.subtitle')}</p>
          </div>
        </div>
        <h2>{t('login.title')}</h2>
        <label className="field">
          <span>{t('login.email')}</span>
          <input
            data-testid="login-email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <div className="login-error" role="alert" data-testid="login-error">
            {t(error.key, error.code ? { code: error.code } : undefined)}
          </div>
        )}
        <button
          className="btn btn-primary btn-block"
          data-testid="login-submit"
          type="submit"
          disabled={busy}
        >
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <div className="login-footer">
          <LanguageSelect />
        </div>
      </form>
    </div>
  );
}

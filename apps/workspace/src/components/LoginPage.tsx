import { useState, type FormEvent } from 'react';
import { VisavisError } from '@visavis/client';
import { api, type Session } from '../api.js';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { requestNotificationPermission, unlockAudio } from '../lib/notify.js';
import { LanguageSelect } from './LanguageSelect.js';
import { LoginBrand } from './LoginBrand.js';

function errorKey(e: unknown): { key: MessageKey; code?: string } {
  if (e instanceof VisavisError) {
    if (e.code === 'INVALID_CREDENTIALS' || e.code === 'VALIDATION_FAILED')
      return { key: 'login.error.credentials' };
    if (e.code === 'RATE_LIMITED') return { key: 'login.error.rateLimited' };
    if (e.code === 'TOTP_INVALID') return { key: 'login.error.totp' };
    if (e.code === 'ACCOUNT_DEACTIVATED') return { key: 'login.error.deactivated' };
    if (e.code === 'NETWORK') return { key: 'login.error.network' };
    return { key: 'login.error.generic', code: e.code };
  }
  return { key: 'login.error.generic', code: 'INTERNAL' };
}

export function LoginPage({ onLoggedIn }: { onLoggedIn: (s: Session) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Shown once the server asked for the second factor (TOTP_REQUIRED).
  const [totpCode, setTotpCode] = useState<string | null>(null);
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
      onLoggedIn(await api.login(email.trim(), password, totpCode || undefined));
    } catch (err) {
      if (err instanceof VisavisError && err.code === 'TOTP_REQUIRED') {
        setTotpCode('');
        setBusy(false);
        return;
      }
      setError(errorKey(err));
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} noValidate>
        <LoginBrand />
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
        {totpCode !== null && (
          <label className="field">
            <span>{t('login.totp')}</span>
            <input
              data-testid="login-totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              autoFocus
              aria-describedby="login-totp-hint"
              value={totpCode}
              onChange={(e) => setTotpCode(e.target.value.replace(/\D/g, ''))}
            />
            <small id="login-totp-hint" className="muted">
              {t('login.totpHint')}
            </small>
          </label>
        )}
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

import { useEffect, useState, type FormEvent } from 'react';
import { PASSWORD_RULES, type PasswordLinkInfo } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { LanguageSelect } from '../components/LanguageSelect.js';
import { ApiError } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { formatDateTime } from '../lib/format.js';
import { accountApi } from './accountApi.js';
import { LoginBrand } from '../components/LoginBrand.js';

/**
 * Opened from an invite or reset link: shows whose account it is, the password rules, and sets
 * the password once. Afterwards the person signs in on the normal page (no session is created
 * here, so a forwarded link cannot silently sign someone in).
 */
export function SetPasswordPage({ token, onDone }: { token: string; onDone: () => void }) {
  const { t, lang } = useI18n();
  const [info, setInfo] = useState<PasswordLinkInfo | null | 'invalid'>(null);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    accountApi.inspectLink(token).then(setInfo, () => setInfo('invalid'));
  }, [token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !info || info === 'invalid') return;
    if (password.length < PASSWORD_RULES.minLength) return setProblem(t('setpw.weak'));
    if (password !== repeat) return setProblem(t('setpw.mismatch'));
    setBusy(true);
    setProblem(null);
    try {
      await accountApi.setPassword(token, password);
      setDone(true);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      setProblem(
        code === 'INVALID_TOKEN' ? t('setpw.invalid') : code === 'WEAK_PASSWORD' ? t('setpw.weak') : errorText(err, t),
      );
    } finally {
      setBusy(false);
    }
  }

  const leave = () => {
    history.replaceState(null, '', location.pathname);
    onDone();
  };

  return (
    <div className="login-page">
      <form className="login-card" data-testid="set-password-page" onSubmit={submit} noValidate>
        <LoginBrand />
        {info === null && <p className="muted">{t('app.loading')}</p>}
        {info === 'invalid' && (
          <>
            <div className="login-error" role="alert" data-testid="set-password-invalid">
              {t('setpw.invalid')}
            </div>
            <button type="button" className="btn btn-block" onClick={leave}>
              {t('setpw.toLogin')}
            </button>
          </>
        )}
        {info && info !== 'invalid' && !done && (
          <>
            <h2>{t(info.purpose === 'invite' ? 'setpw.title.invite' : 'setpw.title.reset')}</h2>
            <p className="muted" data-testid="set-password-account">
              {t('setpw.for', { email: info.email, org: info.orgName })}
            </p>
            <p className="setpw-rules" id="setpw-rules">
              {t('setpw.rules', { min: PASSWORD_RULES.minLength })}
            </p>
            <label className="field">
              <span>{t('setpw.password')}</span>
              <input
                data-testid="set-password-new"
                type="password"
                autoComplete="new-password"
                aria-describedby="setpw-rules"
                autoFocus
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <label className="field">
              <span>{t('setpw.repeat')}</span>
              <input
                data-testid="set-password-repeat"
                type="password"
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
              />
            </label>
            {problem && (
              <div className="login-error" role="alert" data-testid="set-password-error">
                {problem}
              </div>
            )}
            <button className="btn btn-primary btn-block" data-testid="set-password-submit" type="submit" disabled={busy}>
              {t('setpw.submit')}
            </button>
            <p className="muted setpw-expiry">{t('setpw.expires', { time: formatDateTime(info.expiresAt, lang) })}</p>
          </>
        )}
        {done && (
          <>
            <p className="form-ok" role="status" data-testid="set-password-done">
              {t('setpw.done')}
            </p>
            <button type="button" className="btn btn-primary btn-block" data-testid="set-password-to-login" onClick={leave}>
              {t('setpw.toLogin')}
            </button>
          </>
        )}
        <div className="login-footer">
          <LanguageSelect />
        </div>
      </form>
    </div>
  );
}

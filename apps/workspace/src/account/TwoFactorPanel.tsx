import { useEffect, useState, type FormEvent } from 'react';
import type { TotpEnrolment } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { ApiError } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { accountApi } from './accountApi.js';
import { QrCode } from './QrCode.js';

/** Turns the TOTP second factor on (key + set-up link, then a code) or off (a current code). */
export function TwoFactorPanel() {
  const { t } = useI18n();
  const [status, setStatus] = useState<{ available: boolean; enabled: boolean } | null>(null);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  const refresh = () => accountApi.totpStatus().then(setStatus, (e: unknown) => setNote({ ok: false, text: errorText(e, t) }));
  useEffect(() => {
    void refresh();
    // Once, when the tab opens.
  }, []);

  const fail = (err: unknown) =>
    setNote({ ok: false, text: err instanceof ApiError && err.code === 'TOTP_INVALID' ? t('totp.invalid') : errorText(err, t) });

  async function confirm(e: FormEvent) {
    e.preventDefault();
    try {
      if (status?.enabled) {
        await accountApi.disableTotp(code);
        setNote({ ok: true, text: t('totp.disabled') });
      } else {
        await accountApi.confirmTotp(code);
        setEnrolment(null);
        setNote({ ok: true, text: t('totp.enabled') });
      }
      setCode('');
      await refresh();
    } catch (err) {
      fail(err);
    }
  }

  if (!status) return <p className="muted">{t('app.loading')}</p>;
  if (!status.available) return <p className="muted" data-testid="totp-unavailable">{t('totp.notAvailable')}</p>;
  const codeForm = (label: 'totp.confirm' | 'totp.disable') => (
    <form className="form totp-code" onSubmit={confirm}>
      <label className="field">
        <span>{t('totp.code')}</span>
        <input
          className="input"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          data-testid="totp-code"
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
        />
      </label>
      <button type="submit" className={label === 'totp.disable' ? 'btn btn-danger' : 'btn btn-primary'} data-testid="totp-submit" disabled={code.length !== 6}>
        {t(label)}
      </button>
    </form>
  );
  return (
    <div data-testid="totp-panel" data-enabled={status.enabled}>
      <p>{t(status.enabled ? 'totp.on' : 'totp.off')}</p>
      {!status.enabled && !enrolment && (
        <button
          type="button"
          className="btn btn-primary"
          data-testid="totp-start"
          onClick={() => accountApi.enrolTotp().then(setEnrolment, fail)}
        >
          {t('totp.start')}
        </button>
      )}
      {enrolment && (
        <div className="totp-enrol">
          <p className="muted">{t('totp.step1')}</p>
          <QrCode text={enrolment.uri} label={t('totp.qr')} />
          <dl className="totp-secret">
            <dt>{t('totp.secret')}</dt>
            <dd>
              <code data-testid="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            </dd>
            <dt>{t('totp.uri')}</dt>
            <dd>
              <a href={enrolment.uri} data-testid="totp-uri">
                <code>{enrolment.uri}</code>
              </a>
            </dd>
          </dl>
          <p className="muted">{t('totp.step2')}</p>
          {codeForm('totp.confirm')}
        </div>
      )}
      {status.enabled && (
        <>
          <p className="muted">{t('totp.disableHint')}</p>
          {codeForm('totp.disable')}
        </>
      )}
      {note && (
        <p className={note.ok ? 'form-ok' : 'form-error'} role="status" data-testid="totp-note">
          {note.text}
        </p>
      )}
    </div>
  );
}

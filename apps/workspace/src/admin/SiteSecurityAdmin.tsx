import { useCallback, useEffect, useState } from 'react';
import type { IdentitySecretAnswer, RotatedSecretAnswer, SiteSettings } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { errorText } from '../routing/hooks.js';
import { ApiError, call } from '../routing/api.js';

const OVERLAPS = [0, 24, 72, 168] as const;

/** The embed snippet a business pastes into its pages (README "Add the widget"). */
function snippet(origin: string, siteKey: string): string {
  return [
    '<script>',
    '  window.Visavis = window.Visavis || function () { (Visavis.q = Visavis.q || []).push(arguments); };',
    '</script>',
    `<script async src="${origin}/widget.js" data-site-key="${siteKey}"></script>`,
  ].join('\n');
}

/**
 * Admins: what an integrator needs — site key and embed snippet, the identity secret (masked;
 * revealing and rotating it are written to the audit log, rotation keeps the old secret working
 * for an overlap the admin picks), and the sites allowed to embed the widget.
 */
export function SiteSecurityAdmin() {
  const { t } = useI18n();
  const [site, setSite] = useState<SiteSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [overlap, setOverlap] = useState<number>(72);
  const [origins, setOrigins] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const s = await call<SiteSettings>('GET', '/api/admin/site');
      setSite(s);
      setOrigins(s.allowedOrigins.join('\n'));
      setError(null);
    } catch (e) {
      setError(errorText(e, t));
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'VALIDATION_FAILED' ? t('site.originsInvalid') : errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const reveal = () =>
    act(async () => {
      setSecret((await call<IdentitySecretAnswer>('POST', '/api/admin/site/identity-secret/reveal')).identitySecret);
    });

  const rotate = () => {
    if (!window.confirm(t('site.rotateConfirm'))) return;
    void act(async () => {
      const r = await call<RotatedSecretAnswer>('POST', '/api/admin/site/identity-secret/rotate', { overlapHours: overlap });
      setSecret(r.identitySecret);
      setSite(r.settings);
    });
  };

  const saveOrigins = () =>
    act(async () => {
      const list = origins.split(/\s+/).map((o) => o.trim().replace(/\/$/, '')).filter(Boolean);
      const s = await call<SiteSettings>('PUT', '/api/admin/site/allowed-origins', { allowedOrigins: list });
      setSite(s);
      setOrigins(s.allowedOrigins.join('\n'));
      setSaved(true);
    });

  if (!site) {
    return (
      <section className="card" data-testid="site-admin">
        {error ? <p className="form-error" role="alert">{error}</p> : <p className="panel-note">{t('site.loading')}</p>}
      </section>
    );
  }
  const origin = site.serverOrigin ?? location.origin;
  return (
    <div className="form" data-testid="site-admin">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <section className="card">
        <h3 className="card-title">{t('site.embedTitle')}</h3>
        <div className="field">
          <span>{t('site.siteKey')}</span>
          <code data-testid="site-key">{site.siteKey}</code>
        </div>
        <pre className="panel-note" data-testid="site-snippet">{snippet(origin, site.siteKey)}</pre>
      </section>

      <section className="card">
        <h3 className="card-title">{t('site.secretTitle')}</h3>
        <p className="panel-note">{t('site.secretHelp')}</p>
        <div className="field">
          <span>{t('site.secret')}</span>
          <code data-testid="identity-secret">{secret ?? site.identitySecretMasked}</code>
        </div>
        {secret && <p className="panel-note">{t('site.secretShown')}</p>}
        {site.previousSecretValidUntil && (
          <p className="panel-note" data-testid="previous-secret-until">
            {t('site.previousUntil', { time: new Date(site.previousSecretValidUntil).toLocaleString() })}
          </p>
        )}
        <div className="row-actions">
          <button type="button" className="btn btn-ghost" disabled={busy || secret !== null} onClick={() => void reveal()} data-testid="reveal-secret">
            {t('site.reveal')}
          </button>
          <label className="field">
            <span>{t('site.overlap')}</span>
            <select className="select" value={overlap} onChange={(e) => setOverlap(Number(e.target.value))}>
              {OVERLAPS.map((h) => (
                <option key={h} value={h}>
                  {h === 0 ? t('site.overlapNone') : t('site.overlapHours', { hours: h })}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={rotate} data-testid="rotate-secret">
            {t('site.rotate')}
          </button>
        </div>
      </section>

      <section className="card">
        <h3 className="card-title">{t('site.originsTitle')}</h3>
        <p className="panel-note">{t('site.originsHelp', { origin })}</p>
        <textarea
          className="input"
          rows={4}
          value={origins}
          placeholder="https://www.example.com"
          data-testid="allowed-origins"
          onChange={(e) => {
            setOrigins(e.target.value);
            setSaved(false);
          }}
        />
        <div className="row-actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void saveOrigins()} data-testid="save-origins">
            {t('site.save')}
          </button>
          {saved && <span className="form-ok">{t('site.saved')}</span>}
        </div>
      </section>
    </div>
  );
}

import { useState } from 'react';
import type { Presence } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { useStore, useWorkspace } from '../store/context.js';
import { LanguageSelect } from './LanguageSelect.js';
import { AccountMenu } from '../account/AccountMenu.js';

const PRESENCES: Presence[] = ['online', 'busy', 'away', 'offline'];

export function TopBar({ onLogout }: { onLogout: () => void }) {
  const { t } = useI18n();
  const store = useStore();
  const { me, org, conn } = useWorkspace();
  const [presenceError, setPresenceError] = useState(false);
  const [busy, setBusy] = useState(false);

  const changePresence = async (p: Presence) => {
    setBusy(true);
    setPresenceError(false);
    try {
      await store.setPresence(p);
    } catch {
      setPresenceError(true);
    } finally {
      setBusy(false);
    }
  };

  const connKey =
    conn === 'open'
      ? 'conn.open'
      : conn === 'reconnecting'
        ? 'conn.reconnecting'
        : conn === 'closed'
          ? 'conn.closed'
          : 'conn.connecting';

  return (
    <>
      <header className="topbar">
        <div className="topbar-brand">
          <span className="brand-mark" aria-hidden="true">
            V
          </span>
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-org" title={org.name}>
            {org.name}
          </span>
        </div>
        <div className="topbar-right">
          <span
            className={`conn conn-${conn}`}
            data-testid="connection-status"
            data-status={conn}
            role="status"
            title={t(connKey)}
          >
            <span className="dot" aria-hidden="true" />
            <span className="conn-label">{t(connKey)}</span>
          </span>
          <label
            className={`presence presence-${me.presence}`}
            title={presenceError ? t('presence.error') : t('top.presence')}
          >
            <span className="dot" aria-hidden="true" />
            <select
              className="select"
              data-testid="presence-select"
              aria-label={t('top.presence')}
              value={me.presence}
              disabled={busy}
              onChange={(e) => void changePresence(e.target.value as Presence)}
            >
              {PRESENCES.map((p) => (
                <option key={p} value={p}>
                  {t(`presence.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <LanguageSelect />
          <AccountMenu title={me.email}>
            <span className="avatar" aria-hidden="true">
              {initials(me.name)}
            </span>
            <span className="me-text">
              <span className="me-name">{me.name}</span>
              <span className="me-role">{t(`role.${me.role}`)}</span>
            </span>
          </AccountMenu>
          <button className="btn btn-ghost" data-testid="logout" type="button" onClick={onLogout}>
            {t('top.logout')}
          </button>
        </div>
      </header>
      {presenceError && (
        <div className="banner banner-error" role="alert">
          {t('presence.error')}
        </div>
      )}
      {conn === 'reconnecting' && (
        <div className="banner banner-warn" role="status" data-testid="reconnecting-banner">
          {t('conn.banner')}
        </div>
      )}
    </>
  );
}

/** Two letters for the avatar; CJK names use their first character. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  // "Li Na 李娜": prefer the Latin parts for two letters; a CJK-only name shows its first character.
  const latin = parts.filter((p) => /^[A-Za-z]/.test(p));
  if (latin.length)
    return (
      (latin[0]![0] ?? '') + (latin.length > 1 ? (latin[latin.length - 1]![0] ?? '') : '')
    ).toUpperCase();
  return parts[0]?.slice(0, 1) ?? '?';
}

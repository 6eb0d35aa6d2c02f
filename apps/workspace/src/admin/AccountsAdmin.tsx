import { useCallback, useEffect, useState } from 'react';
import type { AccountView, PasswordLink, Role, SessionView } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { ApiError } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { useWorkspace } from '../store/context.js';
import { accountApi } from '../account/accountApi.js';
import { SessionList } from '../account/SessionList.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { OneTimeLink } from './OneTimeLink.js';

/** A change that needs confirming, with what to do once confirmed. */
type Pending =
  | { kind: 'deactivate' | 'reset' | 'totp'; account: AccountView }
  | { kind: 'role'; account: AccountView; role: Role };

/**
 * The account lifecycle of everyone in the organisation: role, deactivate / reactivate, password
 * reset (one-time link), two-factor reset, sessions. Changes that end someone's sessions ask first.
 */
export function AccountsAdmin({ version, onChanged }: { version: number; onChanged: () => void }) {
  const { t } = useI18n();
  const { me } = useWorkspace();
  const [accounts, setAccounts] = useState<AccountView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [pendingError, setPendingError] = useState<string | null>(null);
  const [link, setLink] = useState<{ name: string; link: PasswordLink } | null>(null);
  const [open, setOpen] = useState<{ id: string; sessions: SessionView[] } | null>(null);

  const explain = useCallback(
    (e: unknown) => (e instanceof ApiError && e.code === 'LAST_ADMIN' ? t('accounts.lastAdmin') : errorText(e, t)),
    [t],
  );
  const load = useCallback(async () => {
    try {
      setAccounts((await accountApi.accounts()).accounts);
    } catch (e) {
      setError(explain(e));
    }
  }, [explain]);
  useEffect(() => {
    void load();
  }, [load, version]);

  const showSessions = async (a: AccountView) => {
    if (open?.id === a.id) return setOpen(null);
    try {
      setOpen({ id: a.id, sessions: (await accountApi.agentSessions(a.id)).sessions });
    } catch (e) {
      setError(explain(e));
    }
  };
  const revoke = async (a: AccountView, sessionId?: string) => {
    try {
      await accountApi.revokeAgentSessions(a.id, sessionId);
      setOpen({ id: a.id, sessions: (await accountApi.agentSessions(a.id)).sessions });
      await load();
    } catch (e) {
      setError(explain(e));
    }
  };
  const reactivate = async (a: AccountView) => {
    try {
      await accountApi.reactivate(a.id);
      await load();
      onChanged();
    } catch (e) {
      setError(explain(e));
    }
  };

  const confirm = async () => {
    if (!pending) return;
    const a = pending.account;
    try {
      if (pending.kind === 'deactivate') await accountApi.deactivate(a.id);
      if (pending.kind === 'totp') await accountApi.resetTotp(a.id);
      if (pending.kind === 'role') await accountApi.setRole(a.id, pending.role);
      if (pending.kind === 'reset') setLink({ name: a.name, link: await accountApi.resetPassword(a.id) });
      setPending(null);
      setOpen(null);
      await load();
      onChanged();
    } catch (e) {
      setPendingError(explain(e));
    }
  };
  const ask = (p: Pending) => {
    setPendingError(null);
    setLink(null);
    setPending(p);
  };

  const dialogText = (p: Pending) => {
    const name = p.account.name;
    if (p.kind === 'role') return { title: t('accounts.role.title', { name, role: t(`role.${p.role}`) }), body: t('accounts.role.body'), label: t('admin.save') };
    if (p.kind === 'reset') return { title: t('accounts.reset.title', { name }), body: t('accounts.reset.body'), label: t('accounts.resetPassword') };
    if (p.kind === 'totp') return { title: t('accounts.totp.title', { name }), body: t('accounts.totp.body'), label: t('accounts.resetTotp') };
    return { title: t('accounts.deactivate.title', { name }), body: t('accounts.deactivate.body'), label: t('accounts.deactivate') };
  };

  const dialog = pending ? dialogText(pending) : null;
  return (
    <section className="card" data-testid="accounts-admin">
      <h3 className="card-title">{t('accounts.title')}</h3>
      {error && <p className="form-error">{error}</p>}
      {link && <OneTimeLink name={link.name} link={link.link} />}
      <table className="table">
        <thead>
          <tr>
            <th>{t('sup.col.agent')}</th>
            <th>{t('agents.role')}</th>
            <th>{t('accounts.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <AccountRow
              key={a.id}
              a={a}
              isMe={a.id === me.id}
              sessions={open?.id === a.id ? open.sessions : null}
              onRole={(role) => ask({ kind: 'role', account: a, role })}
              onAsk={(kind) => ask({ kind, account: a })}
              onReactivate={() => void reactivate(a)}
              onSessions={() => void showSessions(a)}
              onRevoke={(sessionId) => void revoke(a, sessionId)}
            />
          ))}
        </tbody>
      </table>
      {dialog && (
        <ConfirmDialog
          title={dialog.title}
          body={dialog.body}
          confirmLabel={dialog.label}
          cancelLabel={t('accounts.cancel')}
          error={pendingError}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}

interface RowProps {
  a: AccountView;
  isMe: boolean;
  sessions: SessionView[] | null;
  onRole: (role: Role) => void;
  onAsk: (kind: 'deactivate' | 'reset' | 'totp') => void;
  onReactivate: () => void;
  onSessions: () => void;
  onRevoke: (sessionId?: string) => void;
}

function AccountRow({ a, isMe, sessions, onRole, onAsk, onReactivate, onSessions, onRevoke }: RowProps) {
  const { t } = useI18n();
  return (
    <>
      <tr data-testid="account-row" data-email={a.email} data-active={a.active} className={a.active ? '' : 'account-inactive'}>
        <td>
          <span className="cell-name">
            {a.name} {isMe && <span className="muted">{t('accounts.you')}</span>}
          </span>
          <span className="muted cell-sub">{a.email}</span>
        </td>
        <td>
          <select
            className="select"
            data-testid="account-role"
            aria-label={t('agents.role')}
            value={a.role}
            disabled={!a.active}
            onChange={(e) => onRole(e.target.value as Role)}
          >
            {(['agent', 'supervisor', 'admin'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </td>
        <td>
          <div className="account-state">
            {!a.active ? (
              <span className="acct-tag acct-tag-off">{t('accounts.inactive')}</span>
            ) : a.passwordSet ? (
              <span className="acct-tag">{t('accounts.active')}</span>
            ) : (
              <span className="acct-tag acct-tag-invited">{t('accounts.invited')}</span>
            )}
            {a.totpEnabled && <span className="acct-tag acct-tag-info">{t('accounts.totpOn')}</span>}
            {a.active && <span className="muted">{t('accounts.sessionsCount', { n: a.sessions })}</span>}
          </div>
        </td>
        <td>
          <div className="account-actions">
            {a.active ? (
              <>
                <button type="button" className="btn btn-ghost" data-testid="account-sessions" onClick={onSessions}>
                  {sessions ? t('accounts.hideSessions') : t('accounts.showSessions')}
                </button>
                <button type="button" className="btn btn-ghost" data-testid="account-reset" onClick={() => onAsk('reset')}>
                  {t('accounts.resetPassword')}
                </button>
                {a.totpEnabled && (
                  <button type="button" className="btn btn-ghost" data-testid="account-reset-totp" onClick={() => onAsk('totp')}>
                    {t('accounts.resetTotp')}
                  </button>
                )}
                <button type="button" className="btn btn-danger-outline" data-testid="account-deactivate" onClick={() => onAsk('deactivate')}>
                  {t('accounts.deactivate')}
                </button>
              </>
            ) : (
              <button type="button" className="btn btn-ghost" data-testid="account-reactivate" onClick={onReactivate}>
                {t('accounts.reactivate')}
              </button>
            )}
          </div>
        </td>
      </tr>
      {sessions && (
        <tr className="account-sessions-row">
          <td colSpan={4}>
            <SessionList sessions={sessions} onRevoke={(s) => onRevoke(s.id)} />
            {sessions.length > 0 && (
              <button type="button" className="btn btn-ghost" data-testid="account-revoke-all" onClick={() => onRevoke()}>
                {t('accounts.revokeAll')}
              </button>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

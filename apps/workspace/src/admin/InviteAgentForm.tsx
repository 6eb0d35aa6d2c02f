import { useState } from 'react';
import type { PasswordLink, Role } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { ApiError } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { useRefs } from '../routing/refs.js';
import { accountApi } from '../account/accountApi.js';
import { OneTimeLink } from './OneTimeLink.js';

const EMPTY = { email: '', name: '', role: 'agent' as Role, capacity: '5', groupIds: [] as string[] };

/** Invites an agent, supervisor or admin: the account is created without a password and a one-time link is shown. */
export function InviteAgentForm({ onInvited }: { onInvited: () => void }) {
  const { t } = useI18n();
  const refs = useRefs();
  const [f, setF] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invited, setInvited] = useState<{ name: string; link: PasswordLink } | null>(null);
  const [touched, setTouched] = useState(false);

  const capacity = Number(f.capacity);
  const problems: string[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email.trim())) problems.push(t('agents.err.email'));
  if (!f.name.trim()) problems.push(t('agents.err.name'));
  if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 100)) problems.push(t('agents.err.capacity'));

  const submit = async () => {
    setTouched(true);
    if (problems.length) return;
    setBusy(true);
    setError(null);
    try {
      const { agent, link } = await accountApi.invite({
        email: f.email.trim(),
        name: f.name.trim(),
        role: f.role,
        capacity,
        groupIds: f.groupIds,
      });
      setInvited({ name: agent.name, link });
      setF(EMPTY);
      setTouched(false);
      onInvited();
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'EMAIL_IN_USE' ? t('accounts.emailInUse') : errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const set = (p: Partial<typeof EMPTY>) => setF((x) => ({ ...x, ...p }));
  return (
    <section className="card">
      <h3 className="card-title">{t('invite.title')}</h3>
      <p className="muted">{t('invite.hint')}</p>
      <form
        className="form form-grid invite-form"
        data-testid="invite-agent"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>{t('login.email')}</span>
          <input className="input" type="email" data-testid="invite-email" value={f.email} onChange={(e) => set({ email: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('visitor.name')}</span>
          <input className="input" data-testid="invite-name" maxLength={100} value={f.name} onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('agents.role')}</span>
          <select className="select" data-testid="invite-role" value={f.role} onChange={(e) => set({ role: e.target.value as Role })}>
            {(['agent', 'supervisor', 'admin'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('agents.capacity')}</span>
          <input className="input input-num" type="number" min={1} max={100} value={f.capacity} onChange={(e) => set({ capacity: e.target.value })} />
        </label>
        <div className="field">
          <span>{t('invite.groups')}</span>
          <div className="chips">
            {refs.groups.map((g) => (
              <label key={g.id} className={`chip chip-check ${f.groupIds.includes(g.id) ? 'on' : ''}`}>
                <input
                  type="checkbox"
                  checked={f.groupIds.includes(g.id)}
                  onChange={(e) =>
                    set({ groupIds: e.target.checked ? [...f.groupIds, g.id] : f.groupIds.filter((x) => x !== g.id) })
                  }
                />
                {g.name}
              </label>
            ))}
          </div>
        </div>
        <div className="field field-submit">
          <button type="submit" className="btn btn-primary" data-testid="invite-submit" disabled={busy}>
            {t('invite.submit')}
          </button>
        </div>
      </form>
      {touched && problems.length > 0 && (
        <ul className="form-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {invited && <OneTimeLink name={invited.name} link={invited.link} />}
    </section>
  );
}

import { useState } from 'react';
import type { Role } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { routingApi } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';

const EMPTY = { email: '', name: '', role: 'agent' as Role, password: '', capacity: '5' };

/** Adds an agent, supervisor or admin to the organisation (POST /api/admin/agents). */
export function CreateAgentForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [f, setF] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);

  const capacity = Number(f.capacity);
  const problems: string[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email.trim())) problems.push(t('agents.err.email'));
  if (!f.name.trim()) problems.push(t('agents.err.name'));
  if (f.password.length < 10) problems.push(t('agents.err.password'));
  if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 100))
    problems.push(t('agents.err.capacity'));

  const submit = async () => {
    setTouched(true);
    if (problems.length) return;
    setBusy(true);
    setError(null);
    try {
      const { agent } = await routingApi.createAgent({
        email: f.email.trim(),
        name: f.name.trim(),
        role: f.role,
        password: f.password,
        capacity,
      });
      setCreated(agent.name);
      setF(EMPTY);
      setTouched(false);
      onCreated();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const set = (p: Partial<typeof EMPTY>) => {
    setF((x) => ({ ...x, ...p }));
    setCreated(null);
  };
  return (
    <section className="card">
      <h3 className="card-title">{t('agents.create')}</h3>
      <form
        className="form form-grid"
        data-testid="create-agent"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>{t('login.email')}</span>
          <input
            className="input"
            type="email"
            data-testid="new-agent-email"
            value={f.email}
            onChange={(e) => set({ email: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('visitor.name')}</span>
          <input
            className="input"
            data-testid="new-agent-name"
            value={f.name}
            maxLength={100}
            onChange={(e) => set({ name: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('agents.role')}</span>
          <select className="select" value={f.role} onChange={(e) => set({ role: e.target.value as Role })}>
            {(['agent', 'supervisor', 'admin'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            data-testid="new-agent-password"
            value={f.password}
            onChange={(e) => set({ password: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('agents.capacity')}</span>
          <input
            className="input input-num"
            type="number"
            min={1}
            max={100}
            value={f.capacity}
            onChange={(e) => set({ capacity: e.target.value })}
          />
        </label>
        <div className="field field-submit">
          <button type="submit" className="btn btn-primary" data-testid="new-agent-submit" disabled={busy}>
            {t('agents.createSubmit')}
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
      {created && <p className="form-ok">{t('agents.created', { name: created })}</p>}
    </section>
  );
}

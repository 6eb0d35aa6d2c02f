import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/react.js';
import { routingApi } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { useRefs, useRefsStore } from '../routing/refs.js';
import type { AgentStateView } from '@visavis/protocol';
import { LoadBar, PresenceBadge } from '../components/RoutingBits.js';
import { AccountsAdmin } from './AccountsAdmin.js';
import { InviteAgentForm } from './InviteAgentForm.js';

interface RowDraft {
  capacity: string;
  autoAccept: boolean;
  groupIds: string[];
}

const draftOf = (a: AgentStateView): RowDraft => ({
  capacity: String(a.capacity),
  autoAccept: a.autoAccept,
  groupIds: [...a.groupIds].sort(),
});

/** Accounts (lifecycle), agents' routing settings (capacity, auto-accept, groups) saved per row, and inviting people. */
export function AgentsAdmin() {
  const { t } = useI18n();
  const refs = useRefs();
  const refsStore = useRefsStore();
  const [agents, setAgents] = useState<AgentStateView[]>([]);
  const [drafts, setDrafts] = useState<Record<string, RowDraft>>({});
  const [status, setStatus] = useState<Record<string, { ok: boolean; text: string }>>({});
  const [error, setError] = useState<string | null>(null);
  // Bumped when an invitation adds an account, so the accounts table reloads.
  const [accountsVersion, setAccountsVersion] = useState(0);

  const load = async () => {
    try {
      const { agents: list } = await routingApi.agents();
      setAgents(list);
      setDrafts(Object.fromEntries(list.map((a) => [a.id, draftOf(a)])));
    } catch (e) {
      setError(errorText(e, t));
    }
  };
  useEffect(() => {
    void load();
    void refsStore.reload();
    // Once, on opening the tab; saving reloads.
  }, []);

  const save = async (a: AgentStateView) => {
    const d = drafts[a.id]!;
    const capacity = Number(d.capacity);
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 100)) {
      setStatus((s) => ({ ...s, [a.id]: { ok: false, text: t('agents.err.capacity') } }));
      return;
    }
    try {
      await routingApi.updateAgent(a.id, { capacity, autoAccept: d.autoAccept, groupIds: d.groupIds });
      setStatus((s) => ({ ...s, [a.id]: { ok: true, text: t('admin.saved') } }));
      await Promise.all([load(), refsStore.reload()]);
    } catch (e) {
      setStatus((s) => ({ ...s, [a.id]: { ok: false, text: errorText(e, t) } }));
    }
  };

  const patch = (id: string, p: Partial<RowDraft>) => {
    setDrafts((ds) => ({ ...ds, [id]: { ...ds[id]!, ...p } }));
    setStatus(({ [id]: _gone, ...rest }) => rest);
  };

  return (
    <div className="admin-stack">
      <AccountsAdmin version={accountsVersion} onChanged={() => void load()} />
      <section className="card">
        <h3 className="card-title">{t('agents.title')}</h3>
        {error && <p className="form-error">{error}</p>}
        <table className="table">
          <thead>
            <tr>
              <th>{t('sup.col.agent')}</th>
              <th>{t('sup.col.presence')}</th>
              <th>{t('sup.col.load')}</th>
              <th>{t('agents.capacity')}</th>
              <th>{t('agents.autoAccept')}</th>
              <th>{t('sup.col.groups')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => {
              const d = drafts[a.id] ?? draftOf(a);
              const dirty = JSON.stringify(d) !== JSON.stringify(draftOf(a));
              const st = status[a.id];
              return (
                <tr key={a.id} data-testid="admin-agent-row" data-agent-id={a.id}>
                  <td>
                    <span className="cell-name">{a.name}</span>
                    <span className="muted cell-sub">
                      {a.email} · {t(`role.${a.role}`)}
                    </span>
                  </td>
                  <td>
                    <PresenceBadge presence={a.presence} />
                  </td>
                  <td>
                    <LoadBar load={a.load} capacity={a.capacity} compact />
                  </td>
                  <td>
                    <input
                      className="input input-num"
                      type="number"
                      min={1}
                      max={100}
                      data-testid="agent-capacity"
                      aria-label={t('agents.capacity')}
                      value={d.capacity}
                      onChange={(e) => patch(a.id, { capacity: e.target.value })}
                    />
                  </td>
                  <td>
                    <label className="check">
                      <input
                        type="checkbox"
                        data-testid="agent-auto-accept"
                        checked={d.autoAccept}
                        onChange={(e) => patch(a.id, { autoAccept: e.target.checked })}
                      />
                      <span>{d.autoAccept ? t('agents.auto') : t('agents.ring')}</span>
                    </label>
                  </td>
                  <td>
                    <div className="chips">
                      {refs.groups.map((g) => (
                        <label
                          key={g.id}
                          className={`chip chip-check ${d.groupIds.includes(g.id) ? 'on' : ''}`}
                        >
                          <input
                            type="checkbox"
                            checked={d.groupIds.includes(g.id)}
                            onChange={(e) =>
                              patch(a.id, {
                                groupIds: (e.target.checked
                                  ? [...d.groupIds, g.id]
                                  : d.groupIds.filter((x) => x !== g.id)
                                ).sort(),
                              })
                            }
                          />
                          {g.name}
                        </label>
                      ))}
                    </div>
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="btn btn-primary"
                      data-testid="agent-save"
                      disabled={!dirty}
                      onClick={() => void save(a)}
                    >
                      {t('admin.save')}
                    </button>
                    {st && <span className={st.ok ? 'form-ok' : 'form-error'}>{st.text}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <InviteAgentForm
        onInvited={() => {
          setAccountsVersion((v) => v + 1);
          void Promise.all([load(), refsStore.reload()]);
        }}
      />
    </div>
  );
}

import { useEffect, useState } from 'react';
import type { SkillGroup } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { routingApi } from '../routing/api.js';
import { summarizeHours } from '../routing/hours.js';
import { useRefs, useRefsStore } from '../routing/refs.js';
import { DAY_KEYS } from './HoursEditor.js';
import { GroupEditor } from './GroupEditor.js';

/** Skill groups: the list with members, hours and overflow at a glance; one editor beside it. */
export function SkillGroupsAdmin() {
  const { t } = useI18n();
  const refs = useRefs();
  const refsStore = useRefsStore();
  const [editing, setEditing] = useState<SkillGroup | 'new' | null>(null);
  const [agents, setAgents] = useState<{ id: string; name: string }[]>([]);

  useEffect(() => {
    void refsStore.reload();
    routingApi
      .agents()
      .then(({ agents: list }) => setAgents(list.map((a) => ({ id: a.id, name: a.name }))))
      .catch(() => setAgents(refsStore.getState().agents.map((a) => ({ id: a.id, name: a.name }))));
  }, [refsStore]);

  const days = DAY_KEYS.map((k) => t(k));
  const name = (id: string | null) => refs.groups.find((g) => g.id === id)?.name ?? '—';
  const saved = async (g: SkillGroup | null) => {
    await refsStore.reload();
    setEditing(g ? (refsStore.getState().groups.find((x) => x.id === g.id) ?? g) : null);
  };

  return (
    <div className="admin-split">
      <section className="card admin-list">
        <div className="card-head">
          <h3 className="card-title">{t('groups.title')}</h3>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="group-new"
            onClick={() => setEditing('new')}
          >
            + {t('groups.new')}
          </button>
        </div>
        {refs.loaded && refs.groups.length === 0 && <p className="panel-note">{t('groups.none')}</p>}
        <ul className="group-list">
          {refs.groups.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                className={`group-item ${editing !== 'new' && editing?.id === g.id ? 'selected' : ''}`}
                data-testid="group-item"
                data-group-id={g.id}
                onClick={() => setEditing(g)}
              >
                <span className="group-name">{g.name}</span>
                <span className="group-meta">
                  <span className="chip">{t('transfer.members', { n: g.memberIds.length })}</span>
                  <span>
                    {g.hours
                      ? `${summarizeHours(g.hours, days) || t('hours.neverOpen')} · ${g.hours.timeZone}`
                      : t('hours.alwaysOpen')}
                  </span>
                </span>
                {g.overflowGroupId && g.overflowAfterMs && (
                  <span className="group-meta muted">
                    {t('groups.overflowSummary', {
                      s: Math.round(g.overflowAfterMs / 1000),
                      group: name(g.overflowGroupId),
                    })}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="card admin-editor">
        {editing ? (
          <GroupEditor
            key={editing === 'new' ? 'new' : editing.id}
            group={editing === 'new' ? null : editing}
            groups={refs.groups}
            agents={agents}
            onSaved={(g) => void saved(g)}
            onDeleted={() => void saved(null)}
          />
        ) : (
          <p className="panel-note">{t('groups.pick')}</p>
        )}
      </section>
    </div>
  );
}

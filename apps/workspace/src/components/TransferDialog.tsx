import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/react.js';
import { routingApi } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { useRefs, useRefsStore } from '../routing/refs.js';
import type { AgentStateView } from '@visavis/protocol';
import { useStore, useWorkspace } from '../store/context.js';
import { LoadBar, PresenceBadge } from './RoutingBits.js';

type Target = { kind: 'agent' | 'group'; id: string } | null;

/**
 * Hand the conversation to a colleague (who must be online with room now) or back to a skill
 * group's queue, with a note for whoever takes it. Supervisors see everyone's load; agents see
 * the directory (names, presence, groups).
 */
export function TransferDialog({
  conversationId,
  currentAgentId,
  onDone,
  onCancel,
}: {
  conversationId: string;
  currentAgentId: string | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const store = useStore();
  const { me } = useWorkspace();
  const refsStore = useRefsStore();
  const refs = useRefs();
  const [tab, setTab] = useState<'agent' | 'group'>('agent');
  const [target, setTarget] = useState<Target>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loads, setLoads] = useState<Record<string, AgentStateView>>({});
  const supervisor = me.role !== 'agent';

  useEffect(() => {
    void refsStore.reload();
    if (!supervisor) return;
    routingApi
      .agents()
      .then(({ agents }) => setLoads(Object.fromEntries(agents.map((a) => [a.id, a]))))
      .catch(() => {});
  }, [refsStore, supervisor]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  const agents = refs.agents.filter((a) => a.id !== currentAgentId);
  const groupName = (id: string) => refs.groups.find((g) => g.id === id)?.name ?? '';

  const submit = async () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      await store.request({
        type: 'conversation.transfer',
        conversationId,
        note: note.trim(),
        ...(target.kind === 'agent' ? { agentId: target.id } : { groupId: target.id }),
      });
      onDone();
    } catch (e) {
      setError(errorText(e, t));
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        className="modal modal-wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby="transfer-title"
        data-testid="transfer-dialog"
      >
        <h3 id="transfer-title">{t('transfer.title')}</h3>
        <div className="seg" role="tablist">
          {(['agent', 'group'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={tab === k ? 'seg-item active' : 'seg-item'}
              data-testid={`transfer-tab-${k}`}
              onClick={() => {
                setTab(k);
                setTarget(null);
              }}
            >
              {t(k === 'agent' ? 'transfer.toAgent' : 'transfer.toGroup')}
            </button>
          ))}
        </div>
        <div className="pick-list" role="radiogroup">
          {tab === 'agent' && agents.length === 0 && <p className="panel-note">{t('transfer.noAgents')}</p>}
          {tab === 'group' && refs.groups.length === 0 && (
            <p className="panel-note">{t('transfer.noGroups')}</p>
          )}
          {tab === 'agent' &&
            agents.map((a) => (
              <label
                key={a.id}
                className={`pick ${target?.id === a.id ? 'picked' : ''}`}
                data-testid="transfer-option"
                data-id={a.id}
              >
                <input
                  type="radio"
                  name="transfer-target"
                  checked={target?.id === a.id}
                  onChange={() => setTarget({ kind: 'agent', id: a.id })}
                />
                <span className="pick-main">
                  <span className="pick-name">
                    {a.name}
                    {a.id === me.id && <span className="muted"> · {t('transfer.you')}</span>}
                  </span>
                  <span className="pick-sub">{a.groupIds.map(groupName).filter(Boolean).join(' · ')}</span>
                </span>
                {loads[a.id] && <LoadBar load={loads[a.id]!.load} capacity={loads[a.id]!.capacity} compact />}
                <PresenceBadge presence={a.presence} />
              </label>
            ))}
          {tab === 'group' &&
            refs.groups.map((g) => (
              <label
                key={g.id}
                className={`pick ${target?.id === g.id ? 'picked' : ''}`}
                data-testid="transfer-option"
                data-id={g.id}
              >
                <input
                  type="radio"
                  name="transfer-target"
                  checked={target?.id === g.id}
                  onChange={() => setTarget({ kind: 'group', id: g.id })}
                />
                <span className="pick-main">
                  <span className="pick-name">{g.name}</span>
                  <span className="pick-sub">{t('transfer.members', { n: g.memberIds.length })}</span>
                </span>
              </label>
            ))}
        </div>
        <label className="field">
          <span>{t('transfer.note')}</span>
          <textarea
            className="textarea"
            data-testid="transfer-note"
            rows={2}
            maxLength={1000}
            value={note}
            placeholder={t('transfer.notePlaceholder')}
            onChange={(e) => setNote(e.target.value)}
          />
        </label>
        {error && (
          <p className="modal-error" role="alert" data-testid="transfer-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('chat.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="transfer-submit"
            disabled={!target || busy}
            onClick={() => void submit()}
          >
            {t('transfer.submit')}
          </button>
        </div>
      </div>
    </div>
  );
}

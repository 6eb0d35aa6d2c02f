import { useCallback, useState } from 'react';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { formatTime } from '../lib/format.js';
import { routingApi } from '../routing/api.js';
import { nameAgents } from '../routing/format.js';
import { errorText } from '../routing/hooks.js';
import { useRefs, useRefsStore } from '../routing/refs.js';
import type { ConversationRouting } from '@visavis/protocol';
import { StepLabel } from './RoutingBits.js';

const LOG_KEYS: Record<string, MessageKey> = {
  offer: 'why.log.offer',
  assign: 'why.log.assign',
  accept: 'why.log.accept',
  release: 'why.log.release',
  declined: 'why.log.declined',
  timeout: 'why.log.timeout',
  cancelled: 'why.log.cancelled',
  'auto-away': 'why.log.autoAway',
  transfer: 'why.log.transfer',
  'transfer-in': 'why.log.transferIn',
};

const SHOWN_CANDIDATES = 6;

/**
 * "Why here?": the routing decision stored on the conversation (strategy, target group, the
 * engine's reason lines, each candidate's verdict) and every load change since. Collapsed by
 * default; fetched when opened, so it costs nothing for agents who never look.
 */
export function RoutingPanel({ conversationId }: { conversationId: string }) {
  const { t, lang } = useI18n();
  const refs = useRefs();
  const refsStore = useRefsStore();
  const [data, setData] = useState<ConversationRouting | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [allCandidates, setAllCandidates] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [routing] = await Promise.all([
        routingApi.conversationRouting(conversationId),
        refsStore.reload(),
      ]);
      setData(routing);
    } catch (e) {
      setError(errorText(e, t));
    }
  }, [conversationId, refsStore, t]);

  const agentName = (id: string | null) =>
    id ? (refs.agents.find((a) => a.id === id)?.name ?? id.slice(0, 8)) : '—';
  const d = data?.decision ?? null;
  const groupId = d?.groupId ?? data?.groupId ?? null;
  const group = groupId
    ? (refs.groups.find((g) => g.id === groupId)?.name ?? groupId.slice(0, 8))
    : t('routing.anyGroup');
  const candidates = d ? (allCandidates ? d.candidates : d.candidates.slice(0, SHOWN_CANDIDATES)) : [];

  return (
    <details
      className="why"
      data-testid="routing-why"
      onToggle={(e) => (e.currentTarget.open ? void load() : undefined)}
    >
      <summary>{t('why.title')}</summary>
      {error && (
        <p className="panel-note error" role="alert">
          {error}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            {t('list.retry')}
          </button>
        </p>
      )}
      {!data && !error && <p className="panel-note">{t('visitor.loading')}</p>}
      {data && !d && <p className="panel-note">{t('why.none')}</p>}
      {d && (
        <div
          className="why-body"
          data-testid="routing-decision"
          data-strategy={d.kind === 'offer' ? d.strategy : ''}
          data-kind={d.kind}
        >
          <p className="why-head">
            {d.kind === 'offer' ? (
              <>
                {t('why.chosenBy')} <StepLabel step={d.strategy} /> →{' '}
                <strong>{agentName(d.agentId)}</strong>
              </>
            ) : (
              <>{d.closed ? t('why.closedNow') : t('why.waiting')}</>
            )}
          </p>
          <p className="why-group">
            {t('why.group')}: <strong>{group}</strong>
          </p>
          <ol className="why-reasons">
            {d.reasons.map((r, i) => (
              <li key={i}>
                <StepLabel step={r.step} />{' '}
                <span>{nameAgents(r.note, refs.agents, (iso) => formatTime(iso, lang))}</span>
              </li>
            ))}
          </ol>
          {d.candidates.length > 0 && (
            <>
              <h5 className="why-sub">{t('why.candidates')}</h5>
              <ul className="why-candidates">
                {candidates.map((c) => (
                  <li
                    key={c.agentId}
                    className={c.kept ? 'kept' : 'dropped'}
                    data-testid="routing-candidate"
                    data-kept={c.kept}
                  >
                    <span className="verdict" aria-label={t(c.kept ? 'why.kept' : 'why.dropped')}>
                      {c.kept ? '✓' : '✗'}
                    </span>
                    <span className="cand-name">{agentName(c.agentId)}</span>
                    {c.why && (
                      <span className="cand-why">
                        {nameAgents(c.why, refs.agents, (iso) => formatTime(iso, lang))}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
              {d.candidates.length > SHOWN_CANDIDATES && (
                <button type="button" className="link" onClick={() => setAllCandidates((v) => !v)}>
                  {allCandidates ? t('why.fewer') : t('why.all', { n: d.candidates.length })}
                </button>
              )}
            </>
          )}
        </div>
      )}
      {data && data.log.length > 0 && (
        <>
          <h5 className="why-sub">{t('why.log')}</h5>
          <table className="why-log">
            <tbody>
              {data.log.map((l, i) => (
                <tr key={i} data-kind={l.kind}>
                  <td className="muted">{formatTime(l.at, lang)}</td>
                  <td>{LOG_KEYS[l.kind] ? t(LOG_KEYS[l.kind]!) : l.kind}</td>
                  <td>{l.agentId ? agentName(l.agentId) : ''}</td>
                  <td className="num">{l.delta ? (l.delta > 0 ? `+${l.delta}` : l.delta) : ''}</td>
                  <td className="num muted">
                    {l.loadAfter != null && l.capacity != null ? `${l.loadAfter}/${l.capacity}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {data && (
        <button type="button" className="link why-refresh" onClick={() => void load()}>
          {t('why.refresh')}
        </button>
      )}
    </details>
  );
}

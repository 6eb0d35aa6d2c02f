import { useI18n } from '../i18n/react.js';
import { WAIT_WARN_MS, formatTime, formatWait } from '../lib/format.js';
import { visitorLabel } from '../lib/visitorName.js';
import { etaMinutes, nameAgents, tickingWait, waitingReason } from '../routing/format.js';
import { useRefs } from '../routing/refs.js';
import type { QueueEntryView } from '@visavis/protocol';
import { StepLabel, VipBadge } from '../components/RoutingBits.js';

/** The waiting visitors, in the order routing serves them within each group (VIPs first). */
export function QueueTable({
  queue,
  fetchedAt,
  now,
  groupName,
}: {
  queue: readonly QueueEntryView[];
  fetchedAt: number;
  now: number;
  groupName: (id: string | null) => string;
}) {
  const { t, lang } = useI18n();
  const refs = useRefs();
  const when = (iso: string) => formatTime(iso, lang);
  const units = { d: t('unit.d'), h: t('unit.h') };
  if (queue.length === 0) return <p className="panel-note empty-queue">{t('sup.emptyQueue')}</p>;
  const rows = [...queue].sort(
    (a, b) => groupName(a.groupId).localeCompare(groupName(b.groupId)) || a.position - b.position,
  );
  return (
    <table className="table">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>{t('sup.col.visitor')}</th>
          <th>{t('sup.col.group')}</th>
          <th>{t('sup.col.media')}</th>
          <th className="num">{t('sup.col.waiting')}</th>
          <th className="num">{t('sup.col.eta')}</th>
          <th>{t('sup.col.state')}</th>
          <th>{t('sup.col.why')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((q) => {
          const wait = tickingWait(q.waitingMs, fetchedAt, now);
          const d = q.routing;
          const eta = etaMinutes(q.etaSeconds);
          const reason = d ? waitingReason(d.reasons) : null;
          return (
            <tr
              key={q.conversationId}
              data-testid="queue-row"
              data-conversation-id={q.conversationId}
              data-vip={q.vip}
            >
              <td className="num" data-testid="queue-position">
                {q.position}
              </td>
              <td>
                <span className="cell-name">
                  {visitorLabel(q, t)}
                </span>
                {q.vip && <VipBadge />}
                {q.entryPoint && <span className="pill pill-entry">{q.entryPoint}</span>}
              </td>
              <td>{groupName(q.groupId)}</td>
              <td>{t(`media.${q.media}`)}</td>
              <td className={`num ${wait >= WAIT_WARN_MS ? 'wait-warn' : ''}`}>{formatWait(wait, units)}</td>
              <td className="num">{eta === null ? '—' : t('sup.etaMin', { n: eta })}</td>
              <td>
                {q.ringing ? (
                  <span className="pill pill-ring">{t('sup.ringing')}</span>
                ) : d?.kind === 'queue' && d.closed ? (
                  <span className="pill pill-closed">{t('sup.closedHours')}</span>
                ) : (
                  <span className="pill">{t('sup.waitingState')}</span>
                )}
              </td>
              <td
                className="cell-why"
                title={
                  d
                    ? d.reasons.map((r) => `${r.step}: ${nameAgents(r.note, refs.agents, when)}`).join('\n')
                    : ''
                }
              >
                {reason ? (
                  <>
                    <StepLabel step={reason.step} />{' '}
                    <span className="muted">{nameAgents(reason.note, refs.agents, when)}</span>
                  </>
                ) : (
                  <span className="muted">{t('sup.noDecision')}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

import { useI18n } from '../i18n/react.js';
import { formatWait } from '../lib/format.js';
import type { AgentStateView } from '@visavis/protocol';
import { LoadBar, PresenceBadge } from '../components/RoutingBits.js';

/** Every agent: state, load against capacity as a bar, groups, wrap-up countdown, missed offers. */
export function AgentBoard({
  agents,
  now,
  groupName,
}: {
  agents: readonly AgentStateView[];
  now: number;
  groupName: (id: string | null) => string;
}) {
  const { t } = useI18n();
  if (agents.length === 0) return <p className="panel-note">{t('app.loading')}</p>;
  const order = { online: 0, busy: 1, away: 2, offline: 3 } as const;
  const rows = [...agents].sort(
    (a, b) => order[a.presence] - order[b.presence] || a.name.localeCompare(b.name),
  );
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{t('sup.col.agent')}</th>
          <th>{t('sup.col.presence')}</th>
          <th className="col-load">{t('sup.col.load')}</th>
          <th>{t('sup.col.groups')}</th>
          <th className="num">{t('sup.col.missed')}</th>
          <th>{t('sup.col.offers')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => {
          const wrapLeft = a.wrapUpUntil ? Date.parse(a.wrapUpUntil) - now : 0;
          return (
            <tr key={a.id} data-testid="agent-row" data-agent-id={a.id} data-presence={a.presence}>
              <td>
                <span className="cell-name">{a.name}</span>
                <span className="muted cell-sub">{t(`role.${a.role}`)}</span>
              </td>
              <td>
                <PresenceBadge presence={a.presence} />
                {wrapLeft > 0 && (
                  <span className="pill pill-wrap">{t('sup.wrapUp', { time: formatWait(wrapLeft) })}</span>
                )}
              </td>
              <td className="col-load">
                <LoadBar load={a.load} capacity={a.capacity} />
              </td>
              <td>
                {a.groupIds.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  a.groupIds.map((g) => (
                    <span key={g} className="chip">
                      {groupName(g)}
                    </span>
                  ))
                )}
              </td>
              <td className={`num ${a.missedOffers > 0 ? 'wait-warn' : ''}`}>{a.missedOffers}</td>
              <td>
                {a.autoAccept ? (
                  <span className="muted">{t('sup.autoAccept')}</span>
                ) : (
                  <span className="pill">{t('sup.rings')}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

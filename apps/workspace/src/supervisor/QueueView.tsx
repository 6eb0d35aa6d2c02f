import { useI18n } from '../i18n/react.js';
import { formatWait } from '../lib/format.js';
import { groupCounts, loadPercent, tickingWait } from '../routing/format.js';
import { errorText } from '../routing/hooks.js';
import { useRefs } from '../routing/refs.js';
import { useNow } from '../store/context.js';
import { AgentBoard } from './AgentBoard.js';
import { QueueTable } from './QueueTable.js';
import { useSupervisorData } from './useSupervisor.js';

/**
 * Supervisors and admins: who is waiting where and for how long, and what every agent is doing.
 * Figures first (tiles, a bar per group), the detail in tables below.
 */
export function QueueView() {
  const { t } = useI18n();
  const data = useSupervisorData();
  const refs = useRefs();
  const now = useNow(1000);
  const units = { d: t('unit.d'), h: t('unit.h') };

  const waits = data.queue.map((q) => tickingWait(q.waitingMs, data.fetchedAt, now));
  const longest = waits.length ? Math.max(...waits) : 0;
  const online = data.agents.filter((a) => a.presence === 'online');
  const load = online.reduce((n, a) => n + a.load, 0);
  const capacity = online.reduce((n, a) => n + a.capacity, 0);
  const counts = groupCounts(
    data.queue,
    refs.groups.map((g) => g.id),
  );
  const maxCount = Math.max(1, ...counts.map((c) => c.waiting));
  const groupName = (id: string | null) =>
    id === null ? t('routing.anyGroup') : (refs.groups.find((g) => g.id === id)?.name ?? id.slice(0, 8));
  const servingIn = (id: string | null) =>
    online.filter((a) => id === null || a.groupIds.includes(id)).length;

  return (
    <main className="view view-queue" data-testid="queue-view">
      <header className="view-head">
        <h2>{t('sup.title')}</h2>
        {data.error != null && (
          <span className="form-error" role="alert">
            {errorText(data.error, t)}
          </span>
        )}
        <span className="muted view-updated">{data.loaded ? t('sup.live') : t('app.loading')}</span>
      </header>
      <section className="tiles">
        <div className="tile" data-testid="tile-waiting">
          <span className="tile-value">{data.queue.length}</span>
          <span className="tile-label">{t('sup.waiting')}</span>
        </div>
        <div className={`tile ${longest >= 120_000 ? 'tile-warn' : ''}`}>
          <span className="tile-value">{formatWait(longest, units)}</span>
          <span className="tile-label">{t('sup.longest')}</span>
        </div>
        <div className="tile">
          <span className="tile-value">{data.queue.filter((q) => q.vip).length}</span>
          <span className="tile-label">{t('sup.vipWaiting')}</span>
        </div>
        <div className="tile">
          <span className="tile-value">
            {online.length}
            <small>/{data.agents.length}</small>
          </span>
          <span className="tile-label">{t('sup.agentsOnline')}</span>
        </div>
        <div className="tile tile-load">
          <span className="tile-value">{loadPercent(load, capacity)}%</span>
          <span className="tile-label">{t('sup.loadUsed', { load, capacity })}</span>
          <span className="tile-bar" aria-hidden="true">
            <span style={{ width: `${loadPercent(load, capacity)}%` }} />
          </span>
        </div>
      </section>
      <div className="sup-grid">
        <section className="card sup-queue">
          <h3 className="card-title">{t('sup.queue')}</h3>
          <QueueTable queue={data.queue} fetchedAt={data.fetchedAt} now={now} groupName={groupName} />
        </section>
        <section className="card sup-groups" data-testid="group-chart">
          <h3 className="card-title">{t('sup.perGroup')}</h3>
          {counts.length === 0 && <p className="panel-note">{t('sup.noGroups')}</p>}
          <ul className="bars">
            {counts.map((c) => (
              <li key={c.groupId ?? '-'} data-testid="group-bar" data-waiting={c.waiting}>
                <span className="bar-label" title={groupName(c.groupId)}>
                  {groupName(c.groupId)}
                </span>
                <span className="bar-track">
                  <span className="bar-fill" style={{ width: `${(c.waiting / maxCount) * 100}%` }} />
                  {c.vip > 0 && (
                    <span className="bar-vip" style={{ width: `${(c.vip / maxCount) * 100}%` }} />
                  )}
                </span>
                <span className="bar-value">{c.waiting}</span>
                <span className="bar-sub">{t('sup.serving', { n: servingIn(c.groupId) })}</span>
              </li>
            ))}
          </ul>
          <p className="legend">
            <span className="legend-swatch legend-all" /> {t('sup.legendWaiting')}
            <span className="legend-swatch legend-vip" /> {t('sup.legendVip')}
          </p>
        </section>
      </div>
      <section className="card">
        <h3 className="card-title">{t('sup.agents')}</h3>
        <AgentBoard agents={data.agents} now={now} groupName={groupName} />
      </section>
    </main>
  );
}

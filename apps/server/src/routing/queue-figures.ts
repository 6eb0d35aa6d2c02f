import { estimateWaitMs, isOpen, orderQueue, queuePositions, type AgentSnapshot, type SkillGroupFacts } from '@visavis/routing';
import type { SqlExecutor } from '../ports/database.js';
import { RoutingStore, type QueueRow } from './routing-store.js';

/** Assumed handling time until the organisation has closed conversations to measure. */
const DEFAULT_HANDLE_MS = 4 * 60_000;

export interface QueueFigures {
  entry: QueueRow;
  /** 1-based, within the conversation's skill group, VIPs first. */
  position: number;
  /** Estimated wait; null when nobody serves the group. */
  etaSeconds: number | null;
  /** The group is outside its business hours now. */
  closed: boolean;
}

/**
 * Every waiting conversation's position and estimated wait, as visitors are told them and
 * supervisors see them. Online agents are counted per group once, not once per waiting visitor.
 * Routing passes its own view of the agents and groups (`known`); without it they are read.
 */
export async function queueFigures(
  db: SqlExecutor, orgId: string, now: number,
  known?: { agents: readonly AgentSnapshot[]; groups: readonly SkillGroupFacts[] },
): Promise<QueueFigures[]> {
  const [entries, agents, groups, avg] = await Promise.all([
    RoutingStore.queue(db, orgId),
    known?.agents ?? RoutingStore.agents(db, orgId),
    known?.groups ?? RoutingStore.groups(db, orgId),
    RoutingStore.averageHandleMs(db, orgId),
  ]);
  const online = agents.filter((a) => a.state === 'online');
  const serving = new Map<string | null, number>([[null, online.length]]);
  for (const a of online) for (const g of a.groups) serving.set(g, (serving.get(g) ?? 0) + 1);
  const closedGroups = new Set(groups.filter((g) => !isOpen(g.hours, now)).map((g) => g.id));
  const positions = queuePositions(orderQueue(entries));
  return entries.map((entry) => {
    const position = positions.get(entry.conversationId) ?? 1;
    const eta = estimateWaitMs(position, { avgHandleMs: avg ?? DEFAULT_HANDLE_MS, servingAgents: serving.get(entry.groupId) ?? 0 });
    return {
      entry,
      position,
      etaSeconds: Number.isFinite(eta) ? Math.round(eta / 1000) : null,
      closed: entry.groupId !== null && closedGroups.has(entry.groupId),
    };
  });
}

import { estimateWaitMs, isOpen, orderQueue, queuePositions } from '@visavis/routing';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import { RoutingStore } from '../stores/routing-store.js';

/** Assumed handling time until the organisation has closed conversations to measure. */
const DEFAULT_HANDLE_MS = 4 * 60_000;

/**
 * Pushes each waiting visitor's queue position and estimated wait when they change. Positions
 * count within the conversation's skill group (VIPs first), the order routing serves them in.
 * Remembers what it last pushed on this node so a drain pass does not repeat unchanged figures.
 */
export class QueuePublisher {
  private readonly lastByOrg = new Map<string, Map<string, string>>();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  async publish(orgId: string): Promise<void> {
    const [entries, agents, groups, avg] = await Promise.all([
      RoutingStore.queue(this.db, orgId),
      RoutingStore.agents(this.db, orgId),
      RoutingStore.groups(this.db, orgId),
      RoutingStore.averageHandleMs(this.db, orgId),
    ]);
    const now = this.clock.now().getTime();
    const positions = queuePositions(orderQueue(entries));
    const last = this.lastByOrg.get(orgId) ?? new Map<string, string>();
    this.lastByOrg.set(orgId, last);
    const seen = new Set<string>();
    for (const e of entries) {
      seen.add(e.conversationId);
      const position = positions.get(e.conversationId) ?? 1;
      const group = groups.find((g) => g.id === e.groupId);
      const closed = group ? !isOpen(group.hours, now) : false;
      const serving = agents.filter((a) => a.state === 'online' && (e.groupId === null || a.groups.includes(e.groupId))).length;
      const eta = closed ? null : estimateWaitMs(position, { avgHandleMs: avg ?? DEFAULT_HANDLE_MS, servingAgents: serving });
      const etaSeconds = eta === null || !Number.isFinite(eta) ? null : Math.round(eta / 1000);
      const key = `${position}|${etaSeconds === null ? '-' : Math.round(etaSeconds / 15)}|${closed}`;
      if (last.get(e.conversationId) === key) continue;
      last.set(e.conversationId, key);
      await this.bus.publish('queue.position', {
        orgId, conversationId: e.conversationId, visitorId: e.visitorId, position, etaSeconds, closed,
      });
    }
    for (const id of last.keys()) if (!seen.has(id)) last.delete(id);
  }
}

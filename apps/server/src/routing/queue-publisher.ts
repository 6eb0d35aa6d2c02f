import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import { queueFigures } from './queue-figures.js';
import type { OrgInputs } from './routing-inputs.js';

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

  /** `inputs`: routing's view of the organisation, so the agents are not read again for this. */
  async publish(orgId: string, inputs: OrgInputs): Promise<void> {
    const figures = await queueFigures(this.db, orgId, this.clock.now().getTime(), { agents: inputs.board.agents(), groups: inputs.groups });
    const last = this.lastByOrg.get(orgId) ?? new Map<string, string>();
    this.lastByOrg.set(orgId, last);
    const seen = new Set<string>();
    for (const { entry: e, position, etaSeconds: eta, closed } of figures) {
      seen.add(e.conversationId);
      const etaSeconds = closed ? null : eta;
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

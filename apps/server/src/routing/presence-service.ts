import type { AgentProfile, Presence } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import type { EventBus } from '../ports/event-bus.js';
import { AgentStore, toAgentProfile, type AgentPrincipal } from '../identity/index.js';
import { OutboxStore } from '../platform/outbox/outbox-store.js';

export class PresenceService {
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly onOutboxWritten: () => void,
  ) {}

  /** Going online asks routing to fill the agent's free capacity from the queue. */
  async set(p: AgentPrincipal, presence: Presence): Promise<AgentProfile> {
    const agent = await this.db.transaction(async (tx) => {
      const row = await AgentStore.setPresence(tx, p.agentId, presence);
      if (!row) throw new AppError('NOT_FOUND', 'No such agent.');
      if (presence === 'online') {
        await OutboxStore.add(tx, p.orgId, 'routing.agent_available', { orgId: p.orgId, agentId: p.agentId });
      }
      return row;
    });
    await this.bus.publish('agent.presence', { orgId: p.orgId, agentId: p.agentId, presence });
    if (presence === 'online') this.onOutboxWritten();
    return toAgentProfile(agent);
  }
}

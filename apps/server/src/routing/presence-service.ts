import type { AgentProfile, Presence } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import { AgentStore, toAgentProfile, type AgentPrincipal } from '../identity/index.js';
import { emit } from '../platform/events/domain-events.js';

export class PresenceService {
  constructor(
    private readonly db: Database,
  ) {}

  /** Every change is a domain event: pushed to supervisors, and routing fills an agent who came `online`. */
  async set(p: AgentPrincipal, presence: Presence): Promise<AgentProfile> {
    const agent = await this.db.transaction(async (tx) => {
      const row = await AgentStore.setPresence(tx, p.agentId, presence);
      if (!row) throw new AppError('NOT_FOUND', 'No such agent.');
      await emit(tx, p.orgId, 'agent.presence_changed', { agentId: p.agentId, presence });
      return row;
    });
    return toAgentProfile(agent);
  }
}

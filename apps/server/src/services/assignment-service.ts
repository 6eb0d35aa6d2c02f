import { decide, type Decision, type RoutingPolicy } from '@visavis/routing';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import { AgentStore } from '../stores/agent-store.js';
import { ConversationStore } from '../stores/conversation-store.js';
import { EventStore } from '../stores/event-store.js';
import type { UnitOfWork } from './unit-of-work.js';

const MAX_ATTEMPTS = 5;

/**
 * Fetch, decide, commit. Loads a snapshot, asks the pure routing engine, then applies the
 * decision in one transaction that re-checks everything in SQL: the conversation must still be
 * queued (row lock) and the agent must still have capacity (conditional update). If the
 * snapshot was stale the agent is excluded and the engine is asked again.
 */
export class AssignmentService {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly policy: RoutingPolicy = { strategy: 'least-loaded' },
    private readonly random: () => number = Math.random,
  ) {}

  /** Tries to assign one queued conversation; answers the agent id, or null if it stays queued. */
  async route(orgId: string, conversationId: string): Promise<string | null> {
    const excluded = new Set<string>();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const agents = (await AgentStore.routingSnapshot(this.db, orgId)).filter((a) => !excluded.has(a.id));
      const decision = decide({ conversationId, agents }, this.policy, this.clock.now().getTime(), this.random);
      if (decision.kind === 'queue') return null;
      const outcome = await this.apply(orgId, conversationId, decision);
      if (outcome === 'assigned') return decision.agentId;
      if (outcome === 'not-queued') return null;
      excluded.add(decision.agentId);
    }
    return null;
  }

  /** Routes queued conversations oldest first until one stays queued (no capacity left). */
  async drainQueue(orgId: string): Promise<number> {
    let assigned = 0;
    for (const c of await ConversationStore.queued(this.db, orgId)) {
      if ((await this.route(orgId, c.id)) === null) break;
      assigned++;
    }
    await this.publishQueuePositions(orgId);
    return assigned;
  }

  async publishQueuePositions(orgId: string): Promise<void> {
    const queued = await ConversationStore.queued(this.db, orgId);
    for (const [i, c] of queued.entries()) {
      await this.bus.publish('queue.position', { orgId, conversationId: c.id, visitorId: c.visitor_id, position: i + 1 });
    }
  }

  private apply(
    orgId: string,
    conversationId: string,
    decision: Extract<Decision, { kind: 'offer' }>,
  ): Promise<'assigned' | 'not-queued' | 'agent-unavailable'> {
    return this.uow.run(async (tx, fx) => {
      const c = await ConversationStore.lock(tx, conversationId);
      if (!c || c.org_id !== orgId || c.status !== 'queued') return 'not-queued';
      const now = this.clock.now();
      const agent = await AgentStore.claimCapacity(tx, decision.agentId, now);
      if (!agent) return 'agent-unavailable';
      const routing = { strategy: decision.strategy, reasons: decision.reasons, candidates: decision.candidates };
      await ConversationStore.setStatus(tx, c.id, { status: 'assigned', agentId: agent.id, now, routing });
      const event = await EventStore.append(
        tx,
        { orgId, conversationId: c.id, now },
        { type: 'conversation.assigned', agent: { id: agent.id, name: agent.name }, reason: decision.reasons.join('; ').slice(0, 500) },
      );
      fx.event(orgId, event);
      fx.inboxChanged(orgId, agent.id, c.id);
      return 'assigned';
    });
  }
}

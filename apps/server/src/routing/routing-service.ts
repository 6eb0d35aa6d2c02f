import { decide, type AgentSnapshot, type Decision, type SkillGroupFacts } from '@visavis/routing';
import type { RoutingConfig } from '@visavis/protocol';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import { Capacity } from './capacity.js';
import { ConversationStore, recordTimeline } from '../conversations/index.js';
import { emit } from '../platform/events/domain-events.js';
import { OfferStore } from './offer-store.js';
import { Commands } from '../platform/outbox/commands.js';
import { RoutingStore } from './routing-store.js';
import type { UnitOfWork } from '../platform/outbox/unit-of-work.js';
import { RoutingConfigs } from './routing-configs.js';
import type { QueuePublisher } from './queue-publisher.js';
import { explain, summary } from './explanation.js';
import { offerPush } from './offer-push.js';

type Offer = Extract<Decision, { kind: 'offer' }>;
type Outcome = 'assigned' | 'offered' | 'queued' | 'skipped' | 'agent-unavailable';

/** How many times one conversation is re-decided in a pass when the chosen agent filled up meanwhile. */
const MAX_ATTEMPTS = 5;

/** One drain pass's view of the organisation, updated locally as it hands out capacity. */
interface PassState {
  orgId: string;
  agents: AgentSnapshot[];
  groups: SkillGroupFacts[];
  configs: Map<string, RoutingConfig>;
}

/**
 * Fetch, decide, commit. Loads a snapshot, asks the pure engine, then applies the decision in one
 * transaction that re-checks everything in SQL: the conversation is still queued with no ringing
 * offer (row lock), and the agent still has room (conditional update). Triggered by events via
 * the outbox (enqueue, agent freed, agent online, offer answered or timed out, wait window over);
 * the periodic outbox tick is only a safety net.
 */
export class RoutingService {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly queue: QueuePublisher,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Routes the organisation's queue in order (VIP first, then oldest) while agents have room.
   * Each conversation gets its own decision: one that cannot be served (its group is full or
   * closed) does not block those behind it that another group can serve.
   */
  async drain(orgId: string): Promise<number> {
    const state = await this.loadPass(orgId);
    const anyRoom = () => state.agents.some((a) => a.state === 'online' && a.load < a.capacity);
    let room = anyRoom();
    let handed = 0;
    for (const entry of await RoutingStore.queue(this.db, orgId)) {
      if (entry.ringing) continue;
      // Nobody can take anything: only a conversation never decided is decided now, so that its
      // target group, and whether that group is closed, are known (and told to the visitor).
      if (!room && entry.decided) continue;
      const outcome = await this.routeWith(state, entry.conversationId);
      if (outcome === 'assigned' || outcome === 'offered') {
        handed++;
        room = anyRoom();
      }
    }
    await this.queue.publish(orgId);
    return handed;
  }

  /**
   * Routes a conversation that was just queued, together with every other arrival not decided
   * yet, in queue order and in one pass (one snapshot): a burst of 500 arrivals costs one pass
   * per dispatch, not one each, and the conversations already decided and waiting for room are
   * left to the capacity events instead of being decided again. Answers how many were handed out.
   */
  async routeArrivals(orgId: string, conversationId: string): Promise<number> {
    const arrivals = (await RoutingStore.queue(this.db, orgId)).filter(
      (e) => !e.ringing && (!e.decided || e.conversationId === conversationId),
    );
    if (arrivals.length === 0) return 0;
    const state = await this.loadPass(orgId);
    let handed = 0;
    for (const entry of arrivals) {
      const outcome = await this.routeWith(state, entry.conversationId);
      if (outcome === 'assigned' || outcome === 'offered') handed++;
    }
    await this.queue.publish(orgId);
    return handed;
  }

  /** Routes one conversation now (its waiting window ended). */
  async routeOne(orgId: string, conversationId: string): Promise<Outcome> {
    const outcome = await this.routeWith(await this.loadPass(orgId), conversationId);
    await this.queue.publish(orgId);
    return outcome;
  }

  private async loadPass(orgId: string): Promise<PassState> {
    const [agents, groups] = await Promise.all([RoutingStore.agents(this.db, orgId), RoutingStore.groups(this.db, orgId)]);
    return { orgId, agents, groups, configs: new Map() };
  }

  private async configFor(state: PassState, entryPoint: string | null): Promise<RoutingConfig> {
    const key = entryPoint ?? '';
    let config = state.configs.get(key);
    if (!config) {
      config = await RoutingConfigs.get(this.db, state.orgId, entryPoint);
      state.configs.set(key, config);
    }
    return config;
  }

  private async routeWith(state: PassState, conversationId: string): Promise<Outcome> {
    const excluded = new Set<string>();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock.now();
      const facts = await RoutingStore.conversation(this.db, conversationId, now);
      if (!facts) return 'skipped';
      const config = await this.configFor(state, facts.entryPoint);
      const agents = state.agents.filter((a) => !excluded.has(a.id));
      const decision = decide({ conversation: facts, agents, groups: state.groups }, config.policy, now.getTime(), this.random);
      if (decision.kind === 'queue') {
        await this.keepQueued(state.orgId, conversationId, decision);
        return 'queued';
      }
      const weight = config.policy.weights[facts.media];
      const outcome = await this.apply(state.orgId, conversationId, decision, weight, config);
      const agent = state.agents.find((a) => a.id === decision.agentId);
      if (outcome === 'assigned' || outcome === 'offered') {
        if (agent) {
          agent.load += weight;
          agent.lastAssignedAt = now.getTime();
        }
        return outcome;
      }
      if (outcome !== 'agent-unavailable') return outcome;
      // The snapshot was stale (another node or request took the room): drop the agent, decide again.
      excluded.add(decision.agentId);
      if (agent) agent.load = agent.capacity;
    }
    return 'queued';
  }

  /** Records why it waits, and schedules a re-decision when a waiting window or overflow ends. */
  private async keepQueued(orgId: string, conversationId: string, d: Extract<Decision, { kind: 'queue' }>): Promise<void> {
    const recheckAt = d.recheckAt === null ? null : new Date(d.recheckAt);
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ recheck_at: string | Date | null }>(
        `update conversations c set routing = $2, group_id = coalesce(c.group_id, $3),
           recheck_at = $4
         from (select recheck_at from conversations where id = $1 for update) old
         where c.id = $1 and c.status = 'queued' returning old.recheck_at`,
        [conversationId, JSON.stringify(explain(d)), d.groupId, recheckAt?.toISOString() ?? null],
      );
      const before = row?.recheck_at ? new Date(row.recheck_at).getTime() : null;
      if (row && recheckAt && before !== recheckAt.getTime()) {
        await Commands.send(tx, orgId, 'routing.recheck', { orgId, conversationId }, recheckAt);
      }
    });
  }

  private apply(orgId: string, conversationId: string, d: Offer, weight: number, config: RoutingConfig): Promise<Outcome> {
    return this.uow.run(async (tx, fx) => {
      const c = await ConversationStore.lock(tx, conversationId);
      if (!c || c.org_id !== orgId || c.status !== 'queued') return 'skipped';
      if (await OfferStore.ringingFor(tx, c.id)) return 'skipped';
      const now = this.clock.now();
      const [{ auto_accept: autoAccept } = { auto_accept: true }] = await tx.query<{ auto_accept: boolean }>(
        'select auto_accept from agents where id = $1',
        [d.agentId],
      );
      // Auto-accept: the conversation holds the units at once; otherwise the ringing offer does.
      const agent = await Capacity.hold(tx, {
        orgId, agentId: d.agentId, conversationId: c.id, weight, now, kind: autoAccept ? 'conversation' : 'offer', reason: 'offer',
      });
      if (!agent) return 'agent-unavailable';
      const routing = explain(d);
      if (!autoAccept) {
        const expiresAt = new Date(now.getTime() + config.ringTimeoutMs);
        const offer = await OfferStore.create(tx, {
          orgId, conversationId: c.id, agentId: agent.id, weight, status: 'ringing', decision: routing, now, expiresAt,
        });
        await tx.query('update conversations set routing = $2, group_id = coalesce(group_id, $3) where id = $1', [
          c.id, JSON.stringify(routing), d.groupId,
        ]);
        await Commands.send(tx, orgId, 'routing.offer_timeout', { orgId, offerId: offer.id }, expiresAt);
        await emit(tx, orgId, 'offer.rang', { conversationId: c.id, offerId: offer.id, agentId: agent.id, expiresAt: expiresAt.toISOString() }, now);
        // Straight to the agent after commit: the ring is on the enqueue → offer path.
        fx.push('offer.ringing', () => offerPush(this.db, offer));
        fx.inboxChanged(orgId, null, c.id); // supervisors: now ringing for someone
        return 'offered';
      }
      await OfferStore.create(tx, {
        orgId, conversationId: c.id, agentId: agent.id, weight, status: 'accepted', decision: routing, now, expiresAt: now,
      });
      await ConversationStore.setStatus(tx, c.id, { status: 'assigned', agentId: agent.id, now, routing });
      await tx.query('update conversations set group_id = coalesce(group_id, $2), recheck_at = null where id = $1', [c.id, d.groupId]);
      await Capacity.note(tx, { orgId, agentId: agent.id, conversationId: c.id, kind: 'assign', now, detail: { auto: true } });
      await recordTimeline(
        tx,
        fx,
        { orgId, conversationId: c.id, now },
        { type: 'conversation.assigned', agent: { id: agent.id, name: agent.name }, reason: summary(d) },
      );
      fx.inboxChanged(orgId, agent.id, c.id);
      return 'assigned';
    });
  }
}

import { decide, type Decision } from '@visavis/routing';
import type { RoutingConfig } from '@visavis/protocol';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import { Capacity } from './capacity.js';
import { ConversationStore, recordTimeline } from '../conversations/index.js';
import { emit } from '../platform/events/domain-events.js';
import { OfferStore } from './offer-store.js';
import { Commands } from '../platform/outbox/commands.js';
import { RoutingStore, type QueueRow } from './routing-store.js';
import type { UnitOfWork } from '../platform/outbox/unit-of-work.js';
import type { OrgInputs, RoutingInputs } from './routing-inputs.js';
import type { QueuePublisher } from './queue-publisher.js';
import { explain, summary } from './explanation.js';
import { offerPush } from './offer-push.js';

type Offer = Extract<Decision, { kind: 'offer' }>;
type Outcome = 'assigned' | 'offered' | 'queued' | 'skipped' | 'agent-unavailable';

/** How many times one conversation is re-decided in a pass when the chosen agent filled up meanwhile. */
const MAX_ATTEMPTS = 5;
/**
 * Conversations of one pass in flight at once: their reads and apply transactions overlap on the
 * pool, while decisions are still taken one at a time in queue order (see routeEntries).
 */
const IN_FLIGHT = 6;

const handedOut = (o: Outcome) => o === 'assigned' || o === 'offered';

/**
 * Fetch, decide, commit. Decides with the pure engine over this node's view of the organisation
 * (RoutingInputs: agents, groups and configs kept up to date from events, its own holds and a
 * periodic full read), then applies the decision in one transaction that re-checks everything in
 * SQL: the conversation is still queued with no ringing offer (row lock), and the agent still has
 * room (conditional update). A refusal re-reads that agent and decides again. Triggered by events
 * via the outbox (enqueue, agent freed, agent online, offer answered or timed out, wait window
 * over); the periodic safety net drains whole organisations.
 */
export class RoutingService {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly queue: QueuePublisher,
    private readonly inputs: RoutingInputs,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Routes the organisation's whole queue in order (VIP first, then oldest) while agents have
   * room: the safety net's sweep. Each conversation gets its own decision, so one that cannot be
   * served (its group is full or closed) does not block those behind it that another group can serve.
   */
  async drain(orgId: string): Promise<number> {
    const inputs = await this.inputs.forOrg(orgId);
    return this.pass(orgId, inputs, await RoutingStore.queue(this.db, orgId), 'always');
  }

  /**
   * An agent has room again (freed, back online, out of wrap-up): reads them again and routes the
   * part of the queue they can serve, oldest and VIP first: their groups, the groups overflowing
   * into them, the conversations not targeted at a group yet, and those designated to them.
   */
  async drainFor(orgId: string, agentId: string): Promise<number> {
    const inputs = await this.inputs.forOrg(orgId);
    await this.inputs.agentChanged(orgId, agentId);
    const agent = inputs.board.get(agentId);
    const groups = new Set(agent?.groups ?? []);
    for (const g of inputs.groups) if (g.overflowGroupId !== null && groups.has(g.overflowGroupId)) groups.add(g.id);
    const entries = await RoutingStore.queue(this.db, orgId, { groupIds: [...groups], designatedAgentId: agentId });
    // Positions change only if someone left the queue: an agent coming online to an empty queue
    // (a shift starting: hundreds at once) costs two reads, not a figures pass each.
    return this.pass(orgId, inputs, entries, 'if-handed');
  }

  /** A queued conversation left its group's queue: those behind it in that group move up. */
  async drainGroup(orgId: string, groupId: string | null): Promise<number> {
    const inputs = await this.inputs.forOrg(orgId);
    return this.pass(orgId, inputs, await RoutingStore.queue(this.db, orgId, { groupIds: groupId === null ? [] : [groupId] }), 'always');
  }

  /**
   * Routes a conversation that was just queued, together with every other arrival not decided
   * yet, in queue order and in one pass: a burst of 1,000 arrivals costs a few passes, not one
   * each, and the conversations already decided and waiting for room are left to the capacity
   * events instead of being decided again. Answers how many were handed out.
   */
  async routeArrivals(orgId: string, conversationId: string): Promise<number> {
    const arrivals = await RoutingStore.queue(this.db, orgId, { arrivalsWith: conversationId });
    if (!arrivals.some((e) => !e.ringing)) return 0;
    const inputs = await this.inputs.forOrg(orgId);
    const handed = await this.routeEntries(orgId, inputs, arrivals.filter((e) => !e.ringing), () => true);
    await this.queue.publish(orgId, inputs);
    return handed;
  }

  /** Routes one conversation now (its waiting window ended). */
  async routeOne(orgId: string, conversationId: string): Promise<Outcome> {
    const inputs = await this.inputs.forOrg(orgId);
    const outcome = await this.routeWith(orgId, inputs, conversationId, Promise.resolve(), () => true);
    await this.queue.publish(orgId, inputs);
    return outcome;
  }

  /**
   * One drain pass over `entries` (queue order). Nobody in the organisation able to take anything:
   * only a conversation never decided is decided now, so that its target group, and whether that
   * group is closed, are known (and told to the visitor).
   */
  private async pass(orgId: string, inputs: OrgInputs, entries: QueueRow[], publish: 'always' | 'if-handed'): Promise<number> {
    const weights = (await this.inputs.config(inputs, orgId, null)).policy.weights;
    const lightest = Math.min(weights.chat, weights.audio, weights.video);
    const room = () => inputs.board.hasRoom(lightest, this.clock.now().getTime());
    const worthDeciding = (e: QueueRow) => !e.decided || room();
    const handed = await this.routeEntries(orgId, inputs, entries.filter((e) => !e.ringing && worthDeciding(e)), worthDeciding);
    if (publish === 'always' || handed > 0) await this.queue.publish(orgId, inputs);
    return handed;
  }

  /**
   * Routes `entries` with IN_FLIGHT of them in progress at once: each reads its facts and later
   * applies its decision alongside the others, but decides only after the one before it has
   * decided (and reserved its agent on the board), so queue order still decides who gets scarce
   * room. `stillWorth` is asked again at the conversation's turn.
   */
  private async routeEntries(orgId: string, inputs: OrgInputs, entries: QueueRow[], stillWorth: (e: QueueRow) => boolean): Promise<number> {
    let handed = 0;
    let previousTurn: Promise<void> = Promise.resolve();
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const entry = entries[next++]!;
        let endTurn!: () => void;
        const turn = new Promise<void>((resolve) => (endTurn = resolve));
        const myTurn = previousTurn;
        previousTurn = turn;
        try {
          if (handedOut(await this.routeWith(orgId, inputs, entry.conversationId, myTurn, () => stillWorth(entry), endTurn))) handed++;
        } finally {
          endTurn();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, entries.length) }, worker));
    return handed;
  }

  /**
   * Decides one conversation and applies the decision. Reads its facts at once, decides when
   * `turn` resolves (then calls `endTurn`), re-decides without an agent the database refused.
   */
  private async routeWith(
    orgId: string, inputs: OrgInputs, conversationId: string, turn: Promise<void>, stillWorth: () => boolean, endTurn = () => {},
  ): Promise<Outcome> {
    const excluded = new Set<string>();
    const facts = await RoutingStore.conversation(this.db, conversationId, this.clock.now());
    await turn;
    if (!facts || !stillWorth()) return 'skipped';
    const config = await this.inputs.config(inputs, orgId, facts.entryPoint);
    const weight = config.policy.weights[facts.media];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock.now();
      const all = inputs.board.agents();
      const agents = excluded.size === 0 ? all : all.filter((a) => !excluded.has(a.id));
      const decision = decide({ conversation: facts, agents, groups: inputs.groups }, config.policy, now.getTime(), this.random);
      if (decision.kind === 'queue') {
        endTurn();
        await this.keepQueued(orgId, conversationId, decision);
        return 'queued';
      }
      // Counted before the transaction, so the decisions taken while it runs already see it.
      const reserved = inputs.board.reserve(decision.agentId, weight, now.getTime());
      endTurn();
      const outcome = await this.apply(orgId, conversationId, decision, weight, config).catch((e: unknown) => {
        if (reserved) inputs.board.unreserve(decision.agentId, weight);
        throw e;
      });
      if (handedOut(outcome)) return outcome;
      if (reserved) inputs.board.unreserve(decision.agentId, weight);
      if (outcome !== 'agent-unavailable') return outcome;
      // The view was stale (another node or request took the room, or the agent left): mark the
      // agent full, read them again in the background, and decide again without them.
      excluded.add(decision.agentId);
      inputs.board.refused(decision.agentId);
      void this.inputs.agentChanged(orgId, decision.agentId).catch(() => undefined);
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

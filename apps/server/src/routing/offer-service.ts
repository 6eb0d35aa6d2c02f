import type { OfferView } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { AgentPrincipal } from '../identity/index.js';
import type { Effects, UnitOfWork } from '../platform/outbox/unit-of-work.js';
import { Capacity } from './capacity.js';
import { ConversationStore, recordTimeline } from '../conversations/index.js';
import { OfferStore, type OfferRow } from './offer-store.js';
import { Commands } from '../platform/outbox/commands.js';
import { emit } from '../platform/events/domain-events.js';
import { offerView } from './offer-push.js';
import { RoutingConfigs } from './routing-configs.js';
import { readExplanation, summary } from './explanation.js';

/**
 * The agent's side of an offer: accept, decline, or let it ring out. Each answer is one
 * transaction on the locked offer row, so an accept racing a timeout has exactly one winner.
 */
export class OfferService {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async ringing(p: AgentPrincipal): Promise<OfferView[]> {
    const rows = await OfferStore.ringingForAgent(this.db, p.agentId);
    return Promise.all(rows.map((o) => offerView(this.db, o)));
  }

  async accept(p: AgentPrincipal, offerId: string): Promise<{ conversationId: string }> {
    return this.uow.run(async (tx, fx) => {
      const o = await this.lockOwn(tx, p, offerId);
      const now = this.clock.now();
      if (new Date(o.expires_at).getTime() <= now.getTime()) throw new AppError('OFFER_NOT_RINGING', 'The offer has expired.');
      const c = await ConversationStore.lock(tx, o.conversation_id);
      if (!c || c.status !== 'queued') throw new AppError('OFFER_NOT_RINGING', 'The conversation is no longer waiting.');
      await OfferStore.finish(tx, o.id, 'accepted', now);
      const routing = readExplanation(o.decision);
      await ConversationStore.setStatus(tx, c.id, { status: 'assigned', agentId: p.agentId, now, routing: o.decision });
      await Capacity.offerAccepted(tx, c.id);
      await tx.query('update conversations set recheck_at = null where id = $1', [c.id]);
      await tx.query('update agents set missed_offers = 0 where id = $1', [p.agentId]);
      await Capacity.note(tx, { orgId: o.org_id, agentId: p.agentId, conversationId: c.id, kind: 'accept', now });
      const reason = routing?.kind === 'offer' ? summary(routing) : 'accepted';
      await recordTimeline(tx, fx, { orgId: o.org_id, conversationId: c.id, now }, {
        type: 'conversation.assigned', agent: { id: p.agentId, name: p.name }, reason,
      });
      fx.inboxChanged(o.org_id, p.agentId, c.id);
      await offerEnded(tx, fx, o, 'accepted', now);
      return { conversationId: c.id };
    });
  }

  async decline(p: AgentPrincipal, offerId: string): Promise<void> {
    await this.uow.run(async (tx, fx) => {
      const o = await this.lockOwn(tx, p, offerId);
      await this.close(tx, fx, o, 'declined');
    });
  }

  /** Scheduled at the offer's expiry through the outbox; a no-op if it was answered meanwhile. */
  async timeout(offerId: string): Promise<void> {
    await this.uow.run(async (tx, fx) => {
      const o = await OfferStore.lockRinging(tx, offerId);
      if (!o) return;
      const now = this.clock.now();
      if (new Date(o.expires_at).getTime() > now.getTime()) {
        // Woken early (clock skew between nodes): look again at the real expiry.
        await Commands.send(tx, o.org_id, 'routing.offer_timeout', { orgId: o.org_id, offerId }, new Date(o.expires_at));
        return;
      }
      await this.close(tx, fx, o, 'timeout');
      const config = await RoutingConfigs.get(tx, o.org_id);
      const [agent] = await tx.query<{ missed_offers: number; presence: string }>(
        'update agents set missed_offers = missed_offers + 1 where id = $1 returning missed_offers, presence',
        [o.agent_id],
      );
      if (agent && config.maxMissedOffers > 0 && agent.missed_offers >= config.maxMissedOffers && agent.presence === 'online') {
        // Nobody is answering: stop offering them conversations until they come back.
        await tx.query(`update agents set presence = 'away', missed_offers = 0 where id = $1`, [o.agent_id]);
        await Capacity.note(tx, {
          orgId: o.org_id, agentId: o.agent_id, conversationId: o.conversation_id, kind: 'auto-away', now,
          detail: { missed: agent.missed_offers },
        });
        await emit(tx, o.org_id, 'agent.presence_changed', { agentId: o.agent_id, presence: 'away' }, now);
      }
    });
  }

  /**
   * Ends a ringing offer and gives the agent's units back; the conversation stays queued and
   * is routed again (the refusal keeps it from going straight back to the same agent).
   */
  async close(tx: SqlExecutor, fx: Effects, o: OfferRow, status: 'declined' | 'timeout' | 'cancelled'): Promise<void> {
    const now = this.clock.now();
    await OfferStore.finish(tx, o.id, status, now);
    await Capacity.release(tx, { orgId: o.org_id, conversationId: o.conversation_id, kind: 'offer', now, reason: 'release' });
    await Capacity.note(tx, { orgId: o.org_id, agentId: o.agent_id, conversationId: o.conversation_id, kind: status, now });
    await emit(tx, o.org_id, 'agent.capacity_released', { agentId: o.agent_id, availableAt: now.toISOString() }, now);
    fx.inboxChanged(o.org_id, null, o.conversation_id); // supervisors: waiting again, no longer ringing
    await offerEnded(tx, fx, o, status, now);
  }

  private async lockOwn(tx: SqlExecutor, p: AgentPrincipal, offerId: string): Promise<OfferRow> {
    const o = await OfferStore.lockRinging(tx, offerId);
    if (!o) {
      const any = await OfferStore.byId(tx, offerId);
      if (!any || any.agent_id !== p.agentId) throw new AppError('NOT_FOUND', 'No such offer.');
      throw new AppError('OFFER_NOT_RINGING');
    }
    if (o.agent_id !== p.agentId) throw new AppError('NOT_FOUND', 'No such offer.');
    return o;
  }
}

/** The agent's ringing offer stops ringing: the fact, and the push to their workspace after commit. */
export async function offerEnded(
  tx: SqlExecutor, fx: Effects, o: OfferRow, status: 'accepted' | 'declined' | 'timeout' | 'cancelled', now: Date,
): Promise<void> {
  await emit(tx, o.org_id, 'offer.ended', { conversationId: o.conversation_id, offerId: o.id, agentId: o.agent_id, status }, now);
  fx.push('offer.ended', { orgId: o.org_id, agentId: o.agent_id, offerId: o.id, status });
}

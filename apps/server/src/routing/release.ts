import type { SqlExecutor } from '../ports/database.js';
import { Capacity } from './capacity.js';
import type { ConversationRow } from '../conversations/index.js';
import { OfferStore } from './offer-store.js';
import { Commands } from '../platform/outbox/commands.js';
import { emit } from '../platform/events/domain-events.js';
import { RoutingConfigs } from './routing-configs.js';
import { offerEnded } from './offer-service.js';
import type { Effects } from '../platform/outbox/unit-of-work.js';

/**
 * A conversation leaves its agent (closed, or transferred away): the units it held go back, the
 * agent enters wrap-up if configured, and routing is asked to refill them when it ends. A queued
 * conversation's ringing offer is withdrawn (offer.ended). Runs inside the caller's transaction.
 */
export async function releaseConversation(
  tx: SqlExecutor,
  fx: Effects,
  c: Pick<ConversationRow, 'id' | 'org_id' | 'status' | 'agent_id' | 'group_id'>,
  now: Date,
  opts: { wrapUp: boolean },
): Promise<void> {
  if (c.status === 'assigned' && c.agent_id) {
    await Capacity.release(tx, { orgId: c.org_id, conversationId: c.id, kind: 'conversation', now, reason: 'release' });
    const { wrapUpMs } = await RoutingConfigs.get(tx, c.org_id);
    let availableAt = now;
    if (opts.wrapUp && wrapUpMs > 0) {
      availableAt = new Date(now.getTime() + wrapUpMs);
      await tx.query('update agents set wrap_up_until = greatest(coalesce(wrap_up_until, $2), $2) where id = $1', [
        c.agent_id, availableAt.toISOString(),
      ]);
    }
    await emit(tx, c.org_id, 'agent.capacity_released', { agentId: c.agent_id, availableAt: availableAt.toISOString() }, now);
    return;
  }
  if (c.status === 'queued') {
    const o = await OfferStore.ringingFor(tx, c.id);
    if (o) {
      await OfferStore.finish(tx, o.id, 'cancelled', now);
      await Capacity.release(tx, { orgId: o.org_id, conversationId: c.id, kind: 'offer', now, reason: 'release' });
      await Capacity.note(tx, { orgId: o.org_id, agentId: o.agent_id, conversationId: c.id, kind: 'cancelled', now });
      await emit(tx, c.org_id, 'agent.capacity_released', { agentId: o.agent_id, availableAt: now.toISOString() }, now);
      await offerEnded(tx, fx, o, 'cancelled', now);
    }
    // Those behind it in its group move up: route that queue again (which also publishes the new positions).
    await Commands.send(tx, c.org_id, 'routing.drain', { orgId: c.org_id, groupId: c.group_id });
  }
}

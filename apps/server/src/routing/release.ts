import type { EventBus } from '../ports/event-bus.js';
import type { SqlExecutor } from '../ports/database.js';
import type { Effects } from '../platform/outbox/unit-of-work.js';
import { CapacityStore } from './capacity-store.js';
import type { ConversationRow } from '../conversations/index.js';
import { OfferStore } from './offer-store.js';
import { OutboxStore } from '../platform/outbox/outbox-store.js';
import { RoutingConfigs } from './routing-configs.js';

/**
 * A conversation leaves its agent (closed, or transferred away): the units it held go back, the
 * agent enters wrap-up if configured, and routing is asked to refill them when it ends. A queued
 * conversation's ringing offer is withdrawn. Runs inside the caller's transaction.
 */
export async function releaseConversation(
  tx: SqlExecutor,
  fx: Effects,
  bus: EventBus,
  c: Pick<ConversationRow, 'id' | 'org_id' | 'status' | 'agent_id'> & { load_weight?: number },
  now: Date,
  opts: { wrapUp: boolean },
): Promise<void> {
  if (c.status === 'assigned' && c.agent_id) {
    const [row] = await tx.query<{ load_weight: number }>('select load_weight from conversations where id = $1', [c.id]);
    const weight = row?.load_weight ?? 0;
    if (weight > 0) {
      await CapacityStore.release(tx, { orgId: c.org_id, agentId: c.agent_id, conversationId: c.id, weight, now, kind: 'release' });
      await tx.query('update conversations set load_weight = 0 where id = $1', [c.id]);
    }
    const { wrapUpMs } = await RoutingConfigs.get(tx, c.org_id);
    let availableAt = now;
    if (opts.wrapUp && wrapUpMs > 0) {
      availableAt = new Date(now.getTime() + wrapUpMs);
      await tx.query('update agents set wrap_up_until = greatest(coalesce(wrap_up_until, $2), $2) where id = $1', [
        c.agent_id, availableAt.toISOString(),
      ]);
    }
    await OutboxStore.add(tx, c.org_id, 'routing.agent_available', { orgId: c.org_id, agentId: c.agent_id }, availableAt);
    fx.outboxWritten = true;
    return;
  }
  if (c.status === 'queued') {
    const o = await OfferStore.ringingFor(tx, c.id);
    if (o) {
      await OfferStore.finish(tx, o.id, 'cancelled', now);
      await CapacityStore.release(tx, { orgId: o.org_id, agentId: o.agent_id, conversationId: c.id, weight: o.weight, now, kind: 'release' });
      await CapacityStore.note(tx, { orgId: o.org_id, agentId: o.agent_id, conversationId: c.id, kind: 'cancelled', now });
      await OutboxStore.add(tx, c.org_id, 'routing.agent_available', { orgId: c.org_id, agentId: o.agent_id });
      fx.after.push(() => bus.publish('agent.offer_ended', { orgId: o.org_id, agentId: o.agent_id, offerId: o.id, status: 'cancelled' }));
    }
    // Refreshes the positions of those behind it (and routes the freed agent, if any).
    await OutboxStore.add(tx, c.org_id, 'routing.conversation_queued', { orgId: c.org_id, conversationId: c.id });
    fx.outboxWritten = true;
  }
}

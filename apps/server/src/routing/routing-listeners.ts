import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { EventListeners } from '../platform/events/domain-events.js';
import { Commands, type CommandHandlers } from '../platform/outbox/commands.js';
import type { OfferService } from './offer-service.js';
import type { RoutingInputs } from './routing-inputs.js';
import type { RoutingService } from './routing-service.js';

export interface RoutingWiring {
  db: Database;
  bus: EventBus;
  clock: Clock;
  routing: RoutingService;
  inputs: RoutingInputs;
  offers: OfferService;
  /** Counts conversations handed to agents (the assignments metric). */
  onHanded: (n: number) => void;
}

/**
 * What routing reacts to. A queued conversation is routed with the other arrivals not decided yet
 * (one pass), not by re-deciding the organisation's whole queue; an agent with room again
 * (capacity released, came online) drains the part of the queue that agent can serve, oldest and
 * VIP first, because whoever waits longest should get them. Both also keep routing's view of the
 * agent current (RoutingInputs): the drain reads the agent again first; an agent leaving is read
 * again too, so this node stops offering them work before a refused hold would tell it.
 */
export function registerRoutingListeners(listeners: EventListeners, w: RoutingWiring): void {
  registerRoutingPushes(listeners, w);
  const drain = async (orgId: string, agentId: string) => w.onHanded(await w.routing.drainFor(orgId, agentId));
  listeners.on('conversation.queued', 'routing: route the conversation', async (e) => {
    w.onHanded(await w.routing.routeArrivals(e.orgId, e.data.conversationId));
  });
  listeners.on('agent.capacity_released', 'routing: fill the agent', async (e) => {
    const at = new Date(e.data.availableAt);
    // In wrap-up: the agent takes work again when it ends, a drain scheduled for then.
    if (at.getTime() > w.clock.now().getTime()) {
      await w.inputs.agentChanged(e.orgId, e.data.agentId);
      await w.db.transaction((tx) => Commands.send(tx, e.orgId, 'routing.drain', { orgId: e.orgId, agentId: e.data.agentId }, at));
      return;
    }
    await drain(e.orgId, e.data.agentId);
  });
  listeners.on('agent.presence_changed', 'routing: fill the agent', async (e) => {
    if (e.data.presence === 'online') await drain(e.orgId, e.data.agentId);
    else await w.inputs.agentChanged(e.orgId, e.data.agentId);
  });
}

/**
 * What supervisors and agents hear of an agent's presence, registered before routing's own
 * reaction so the push does not wait for a drain. Published with the event's id: a redelivered
 * event is not pushed twice (the bus drops repeats). Offers are pushed by the transaction that
 * rings or ends them (Effects.push): they are on the enqueue → offer path, and a trip through
 * the outbox doubled it (routing-server --agents 100: p50 9 → 19 ms).
 */
function registerRoutingPushes(listeners: EventListeners, w: { bus: EventBus }): void {
  listeners.on('agent.presence_changed', 'push: presence.changed', async (e) => {
    await w.bus.publish('presence.changed', { orgId: e.orgId, agentId: e.data.agentId, presence: e.data.presence }, { id: e.id });
  });
}

type RoutingCommands = Pick<CommandHandlers, 'routing.drain' | 'routing.offer_timeout' | 'routing.recheck'>;

/** The routing commands and timers, handled by routing alone. */
export function routingCommandHandlers(w: RoutingWiring): RoutingCommands {
  return {
    'routing.drain': async ({ orgId, agentId, groupId }) => {
      if (agentId !== undefined) return w.onHanded(await w.routing.drainFor(orgId, agentId));
      if (groupId !== undefined) return w.onHanded(await w.routing.drainGroup(orgId, groupId));
      // Settings changed (possibly on another node): read the organisation again, then everything.
      w.inputs.settingsChanged(orgId);
      w.onHanded(await w.routing.drain(orgId));
    },
    'routing.offer_timeout': async ({ offerId }) => w.offers.timeout(offerId),
    'routing.recheck': async ({ orgId, conversationId }) => {
      const outcome = await w.routing.routeOne(orgId, conversationId);
      if (outcome === 'assigned' || outcome === 'offered') w.onHanded(1);
    },
  };
}

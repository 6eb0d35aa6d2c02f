import type { EventBus } from '../ports/event-bus.js';
import type { EventListeners } from '../platform/events/domain-events.js';

/**
 * A call that ended anywhere ends on every node: each drops its live call and its media legs on
 * hearing `call.ended` on the bus. The fact is written with the call's end; this carries it to
 * all nodes under the event's id (a redelivery is dropped by the bus).
 */
export function registerCallListeners(listeners: EventListeners, bus: EventBus): void {
  listeners.on('call.ended', 'push: every node drops the call', async (e) => {
    await bus.publish('call.ended', { orgId: e.orgId, callId: e.data.callId }, { id: e.id });
  });
}

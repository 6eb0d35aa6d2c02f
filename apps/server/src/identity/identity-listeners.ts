import type { EventBus } from '../ports/event-bus.js';
import type { EventListeners } from '../platform/events/domain-events.js';

/**
 * Identity's facts that every node must act on at once: a revoked agent or visitor session closes
 * the sockets opened with it wherever they are, a changed access re-checks what the agent
 * follows. The facts are written in the transaction that made them; this turns each into a bus
 * message for all nodes, under the event's id (a redelivery is dropped by the bus).
 */
export function registerIdentityListeners(listeners: EventListeners, bus: EventBus): void {
  listeners.on('agent.session_revoked', 'push: close the session\'s sockets', async (e) => {
    await bus.publish('agent.session_revoked', { agentId: e.data.agentId, sessionId: e.data.sessionId }, { id: e.id });
  });
  listeners.on('agent.access_changed', 'push: re-check what the agent follows', async (e) => {
    await bus.publish('agent.access_changed', { agentId: e.data.agentId }, { id: e.id });
  });
  listeners.on('visitor.session_revoked', 'push: refuse and close the visitor session', async (e) => {
    await bus.publish('visitor.session_revoked', { orgId: e.orgId, visitorId: e.data.visitorId, sessionId: e.data.sessionId }, { id: e.id });
  });
}

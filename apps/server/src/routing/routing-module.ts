import type { AuditLog } from '../audit/index.js';
import { jobPart, type ModulePlatform } from '../platform/modules.js';
import { OfferService } from './offer-service.js';
import { OfflineMessages } from './offline-messages.js';
import { PresenceService } from './presence-service.js';
import { QueuePublisher } from './queue-publisher.js';
import { RoutingAdmin } from './routing-admin.js';
import { registerRoutingListeners, routingCommandHandlers } from './routing-listeners.js';
import { RoutingSafetyNet } from './routing-safety-net.js';
import { RoutingInputs } from './routing-inputs.js';
import { RoutingService } from './routing-service.js';
import { TransferService } from './transfer-service.js';

/**
 * The routing module: the ACD (route arrivals, drain the queue when an agent has room), offers,
 * transfers, presence and its administration. It reacts to conversations queued and agents with
 * room again, handles its timers as commands, and a slow safety net drains what was missed.
 */
export function routingModule(
  platform: Pick<ModulePlatform, 'db' | 'uow' | 'bus' | 'clock' | 'reportError' | 'listeners' | 'commands' | 'jobs'>,
  deps: {
    audit: AuditLog;
    /** Counts conversations handed to agents (the assignments metric). */
    onHanded: (n: number) => void;
  },
) {
  const { db, uow, bus, clock } = platform;
  const queue = new QueuePublisher(db, bus, clock);
  const inputs = new RoutingInputs(db, clock);
  const routing = new RoutingService(db, uow, clock, queue, inputs);
  const offers = new OfferService(db, uow, clock);
  const transfers = new TransferService(uow, clock);
  const presence = new PresenceService(db);

  const wiring = { db, bus, clock, routing, inputs, offers, onHanded: deps.onHanded };
  registerRoutingListeners(platform.listeners, wiring);
  platform.commands.handleAll(routingCommandHandlers(wiring));
  const safetyNet = new RoutingSafetyNet(db, async (orgId) => {
    const n = await routing.drain(orgId);
    deps.onHanded(n);
    return n;
  }, (e) => platform.reportError(e, 'routing safety sweep'));
  platform.jobs.add(jobPart('routing safety net', safetyNet));

  return {
    routing, offers, transfers, presence,
    /** What the routing HTTP routes use. */
    routes: { clock, offers, transfers, admin: new RoutingAdmin(db, deps.audit, (orgId, agentId) => {
      if (agentId === null) inputs.settingsChanged(orgId);
      else void inputs.agentChanged(orgId, agentId).catch((e: unknown) => platform.reportError(e, 'routing inputs'));
    }), offline: new OfflineMessages(db) },
  };
}

export type RoutingModule = ReturnType<typeof routingModule>;

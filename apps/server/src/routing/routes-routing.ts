import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AgentRoutingInput, OfflineMessageInput, RoutingConfig, SkillGroupInput, TransferRequest, VisitorRoutingFacts,
} from '@visavis/protocol';
import type {
  AgentDirectoryAnswer, ConversationRouting, CreatedAgentAnswer, OfferAcceptAnswer, OffersAnswer, OfflineMessageLeft,
  OfflineMessagesAnswer, RoutingConfigAnswer, SkillGroupAnswer, SkillGroupsAnswer, SupervisorAgentsAnswer, SupervisorQueueAnswer,
  VisitorRoutingFactsView,
} from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { OfferService } from './offer-service.js';
import type { OfflineMessages } from './offline-messages.js';
import type { RoutingAdmin } from './routing-admin.js';
import { readExplanation } from './explanation.js';
import { liveQueue } from './supervisor-view.js';
import type { TransferService } from './transfer-service.js';
import { readableConversation } from '../conversations/index.js';
import { RoutingStore } from './routing-store.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface RoutingRouteDeps {
  db: Database;
  clock: Clock;
  who: RequestAuth;
  offers: OfferService;
  transfers: TransferService;
  admin: RoutingAdmin;
  offline: OfflineMessages;
}

const IdParam = z.object({ id: z.string().uuid() });
const EntryQuery = z.object({ entryPoint: z.string().trim().min(1).max(100).optional() });

/** Offers, transfers, the routing explanation, supervisor queues, admin configuration, offline messages. */
export async function registerRoutingRoutes(app: FastifyInstance, d: RoutingRouteDeps): Promise<void> {
  const { who } = d;

  app.get('/api/offers', async (req): Promise<OffersAnswer> => ({ offers: await d.offers.ringing(await who.agent(req)) }));
  app.post('/api/offers/:id/accept', async (req): Promise<OfferAcceptAnswer> => d.offers.accept(await who.agent(req), IdParam.parse(req.params).id));
  app.post('/api/offers/:id/decline', async (req, reply) => {
    await d.offers.decline(await who.agent(req), IdParam.parse(req.params).id);
    return reply.code(204).send();
  });

  app.post('/api/conversations/:id/transfer', async (req, reply) => {
    const p = await who.agent(req);
    const body = TransferRequest.omit({ conversationId: true }).parse(req.body);
    await d.transfers.transfer(p, { ...body, conversationId: IdParam.parse(req.params).id });
    return reply.code(204).send();
  });

  /** Why the conversation went where it went: the stored decision and every load change. */
  app.get('/api/conversations/:id/routing', async (req): Promise<ConversationRouting> => {
    const p = await who.agent(req);
    const c = await readableConversation(d.db, p, IdParam.parse(req.params).id);
    const [stored, log] = await Promise.all([RoutingStore.decisionOf(d.db, c.id), RoutingStore.log(d.db, c.id)]);
    return { decision: readExplanation(stored?.routing), groupId: stored?.groupId ?? null, log };
  });

  /** Any agent: colleagues to transfer to, and names for the routing explanation. No load or contacts. */
  app.get('/api/agents/directory', async (req): Promise<AgentDirectoryAnswer> => {
    const p = await who.agent(req);
    return { agents: await RoutingStore.directory(d.db, p.orgId) };
  });

  app.get('/api/supervisor/queue', async (req): Promise<SupervisorQueueAnswer> => ({ queue: await liveQueue(d.db, d.clock, await who.agent(req)) }));
  app.get('/api/supervisor/agents', async (req): Promise<SupervisorAgentsAnswer> => ({ agents: await d.admin.agents(await who.agent(req)) }));

  app.get('/api/admin/skill-groups', async (req): Promise<SkillGroupsAnswer> => ({ groups: await d.admin.groups(await who.agent(req)) }));
  app.post('/api/admin/skill-groups', async (req): Promise<SkillGroupAnswer> => {
    const body = SkillGroupInput.extend({ memberIds: z.array(z.string().uuid()).max(500).optional() }).parse(req.body);
    return { group: await d.admin.saveGroup(await who.agent(req), null, body, body.memberIds) };
  });
  app.put('/api/admin/skill-groups/:id', async (req): Promise<SkillGroupAnswer> => {
    const body = SkillGroupInput.extend({ memberIds: z.array(z.string().uuid()).max(500).optional() }).parse(req.body);
    return { group: await d.admin.saveGroup(await who.agent(req), IdParam.parse(req.params).id, body, body.memberIds) };
  });
  app.delete('/api/admin/skill-groups/:id', async (req, reply) => {
    await d.admin.deleteGroup(await who.agent(req), IdParam.parse(req.params).id);
    return reply.code(204).send();
  });
  app.post('/api/admin/agents', async (req): Promise<CreatedAgentAnswer> => {
    const body = z
      .object({
        email: z.string().email().max(254),
        name: z.string().trim().min(1).max(100),
        role: z.enum(['admin', 'supervisor', 'agent']).default('agent'),
        password: z.string().min(10).max(256),
        capacity: z.number().int().min(1).max(100).default(5),
      })
      .parse(req.body);
    return { agent: await d.admin.createAgent(await who.agent(req), body) };
  });
  app.put('/api/admin/agents/:id/routing', async (req, reply) => {
    await d.admin.updateAgent(await who.agent(req), IdParam.parse(req.params).id, AgentRoutingInput.parse(req.body));
    return reply.code(204).send();
  });
  app.get('/api/admin/routing-config', async (req): Promise<RoutingConfigAnswer> => {
    const { entryPoint } = EntryQuery.parse(req.query);
    return { config: await d.admin.config(await who.agent(req), entryPoint ?? null) };
  });
  app.put('/api/admin/routing-config', async (req, reply) => {
    const { entryPoint } = EntryQuery.parse(req.query);
    await d.admin.saveConfig(await who.agent(req), entryPoint ?? null, RoutingConfig.parse(req.body));
    return reply.code(204).send();
  });
  /** What PUT below sets, so the workspace can show and edit it without losing tags it did not see. */
  app.get('/api/admin/visitors/:id/routing', async (req): Promise<VisitorRoutingFactsView> => {
    const p = await who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    const facts = await RoutingStore.visitorFacts(d.db, p.orgId, IdParam.parse(req.params).id);
    if (!facts) throw new AppError('NOT_FOUND', 'No such visitor.');
    return facts;
  });
  app.put('/api/admin/visitors/:id/routing', async (req, reply) => {
    await d.admin.setVisitorFacts(await who.agent(req), IdParam.parse(req.params).id, VisitorRoutingFacts.parse(req.body));
    return reply.code(204).send();
  });

  app.post('/api/visitor/offline-messages', { config: { rateLimit: { max: 10, timeWindow: 60_000 } } }, async (req): Promise<OfflineMessageLeft> =>
    d.offline.leave(await who.any(req), OfflineMessageInput.parse(req.body)),
  );
  app.get('/api/offline-messages', async (req): Promise<OfflineMessagesAnswer> => {
    const { status } = z.object({ status: z.enum(['open', 'done']).default('open') }).parse(req.query);
    return { messages: await d.offline.list(await who.agent(req), status) };
  });
  app.post('/api/offline-messages/:id/done', async (req, reply) => {
    await d.offline.markDone(await who.agent(req), IdParam.parse(req.params).id);
    return reply.code(204).send();
  });
}

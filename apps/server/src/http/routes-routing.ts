import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AgentRoutingInput, OfflineMessageInput, RoutingConfig, SkillGroupInput, TransferRequest, VisitorRoutingFacts,
} from '@visavis/protocol';
import { AppError } from '../errors.js';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { OfferService } from '../routing/offer-service.js';
import type { OfflineMessages } from '../routing/offline-messages.js';
import type { RoutingAdmin } from '../routing/routing-admin.js';
import { liveQueue } from '../routing/supervisor-view.js';
import type { TransferService } from '../routing/transfer-service.js';
import { readableConversation } from '../services/access.js';
import type { RequestAuth } from './context.js';

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

  app.get('/api/offers', async (req) => ({ offers: await d.offers.ringing(await who.agent(req)) }));
  app.post('/api/offers/:id/accept', async (req) => d.offers.accept(await who.agent(req), IdParam.parse(req.params).id));
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
  app.get('/api/conversations/:id/routing', async (req) => {
    const p = await who.agent(req);
    const c = await readableConversation(d.db, p, IdParam.parse(req.params).id);
    const [row] = await d.db.query<{ routing: unknown; group_id: string | null }>('select routing, group_id from conversations where id = $1', [c.id]);
    const log = await d.db.query<{ kind: string; agent_id: string | null; delta: number; load_after: number | null; capacity: number | null; detail: unknown; at: string | Date }>(
      'select kind, agent_id, delta, load_after, capacity, detail, at from routing_log where conversation_id = $1 order by id',
      [c.id],
    );
    return {
      decision: row?.routing ?? null,
      groupId: row?.group_id ?? null,
      log: log.map((l) => ({ ...l, at: new Date(l.at).toISOString() })),
    };
  });

  /** Any agent: colleagues to transfer to, and names for the routing explanation. No load or contacts. */
  app.get('/api/agents/directory', async (req) => {
    const p = await who.agent(req);
    const rows = await d.db.query<{ id: string; name: string; presence: string; group_ids: string[] | null }>(
      `select a.id, a.name, a.presence,
              (select array_agg(m.group_id::text order by m.group_id) from skill_group_members m where m.agent_id = a.id) as group_ids
       from agents a where a.org_id = $1 and a.active order by a.name, a.id`,
      [p.orgId],
    );
    return { agents: rows.map((r) => ({ id: r.id, name: r.name, presence: r.presence, groupIds: r.group_ids ?? [] })) };
  });

  app.get('/api/supervisor/queue', async (req) => ({ queue: await liveQueue(d.db, d.clock, await who.agent(req)) }));
  app.get('/api/supervisor/agents', async (req) => ({ agents: await d.admin.agents(await who.agent(req)) }));

  app.get('/api/admin/skill-groups', async (req) => ({ groups: await d.admin.groups(await who.agent(req)) }));
  app.post('/api/admin/skill-groups', async (req) => {
    const body = SkillGroupInput.extend({ memberIds: z.array(z.string().uuid()).max(500).optional() }).parse(req.body);
    return { group: await d.admin.saveGroup(await who.agent(req), null, body, body.memberIds) };
  });
  app.put('/api/admin/skill-groups/:id', async (req) => {
    const body = SkillGroupInput.extend({ memberIds: z.array(z.string().uuid()).max(500).optional() }).parse(req.body);
    return { group: await d.admin.saveGroup(await who.agent(req), IdParam.parse(req.params).id, body, body.memberIds) };
  });
  app.delete('/api/admin/skill-groups/:id', async (req, reply) => {
    await d.admin.deleteGroup(await who.agent(req), IdParam.parse(req.params).id);
    return reply.code(204).send();
  });
  app.post('/api/admin/agents', async (req) => {
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
  app.get('/api/admin/routing-config', async (req) => {
    const { entryPoint } = EntryQuery.parse(req.query);
    return { config: await d.admin.config(await who.agent(req), entryPoint ?? null) };
  });
  app.put('/api/admin/routing-config', async (req, reply) => {
    const { entryPoint } = EntryQuery.parse(req.query);
    await d.admin.saveConfig(await who.agent(req), entryPoint ?? null, RoutingConfig.parse(req.body));
    return reply.code(204).send();
  });
  /** What PUT below sets, so the workspace can show and edit it without losing tags it did not see. */
  app.get('/api/admin/visitors/:id/routing', async (req) => {
    const p = await who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    const [v] = await d.db.query<{ vip: boolean; tags: string[] | null; attributes: Record<string, string | number | boolean> | null }>(
      'select vip, tags, attributes from visitors where id::text = $1 and org_id = $2',
      [IdParam.parse(req.params).id, p.orgId],
    );
    if (!v) throw new AppError('NOT_FOUND', 'No such visitor.');
    return { vip: v.vip, tags: v.tags ?? [], attributes: v.attributes ?? {} };
  });
  app.put('/api/admin/visitors/:id/routing', async (req, reply) => {
    await d.admin.setVisitorFacts(await who.agent(req), IdParam.parse(req.params).id, VisitorRoutingFacts.parse(req.body));
    return reply.code(204).send();
  });

  app.post('/api/visitor/offline-messages', { config: { rateLimit: { max: 10, timeWindow: 60_000 } } }, async (req) =>
    d.offline.leave(await who.any(req), OfflineMessageInput.parse(req.body)),
  );
  app.get('/api/offline-messages', async (req) => {
    const { status } = z.object({ status: z.enum(['open', 'done']).default('open') }).parse(req.query);
    return { messages: await d.offline.list(await who.agent(req), status) };
  });
  app.post('/api/offline-messages/:id/done', async (req, reply) => {
    await d.offline.markDone(await who.agent(req), IdParam.parse(req.params).id);
    return reply.code(204).send();
  });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  LIMITS, LoginRequest, PresenceRequest, VisitorRefreshRequest, VisitorSessionRequest,
  type ConversationDetails, type ConversationsAnswer, type EventsAnswer, type PresenceAnswer, type SignedInAgent, type VisitorSessionResponse,
} from '@visavis/protocol';
import { AppError, notFound } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import { type AuthService, isSupervisor, type VisitorService, AgentStore, toAgentProfile, OrgStore, VisitorStore, toVisitorProfile, addressKey, limitedLogin, type AddressLoginLimiter, registerAccountRoutes, type AccountAdmin, type AccountService, registerSiteRoutes, type SiteRouteDeps } from '../identity/index.js';
import type { BlobUrls } from './blob-urls.js';
import type { ConversationService } from './conversation-service.js';
import { type PresenceService, registerRoutingRoutes, type RoutingRouteDeps } from '../routing/index.js';
import { forReader } from './visitor-view.js';
import { readableConversation } from './access.js';
import type { UploadService } from './upload-service.js';
import { ConversationStore } from './conversation-store.js';
import { RequestAuth, SESSION_COOKIE, setSessionCookie } from '../platform/http/context.js';
import { registerRecordingRoutes, registerClientRecordingRoutes, type ClientRecordingService, registerRecordingPolicyRoutes, type Compliance } from '../recording/index.js';
import { type SnapshotService, registerSnapshotRoutes } from '../calls/index.js';
import { registerUploadRoutes } from './routes-uploads.js';
import type { UploadSweeper } from './upload-sweeper.js';

export interface ApiDeps {
  db: Database;
  auth: AuthService;
  visitors: VisitorService;
  conversations: ConversationService;
  routingRoutes: Omit<RoutingRouteDeps, 'db' | 'who'>;
  presence: PresenceService;
  uploads: UploadService;
  urls: BlobUrls;
  cookieSecure: (req: { protocol: string }) => boolean;
  loginRatePerMinute: number;
  /** Failed sign-ins per address over all accounts (password spraying). */
  loginAddressLimiter: AddressLoginLimiter;
  visitorSessionRatePerMinute: number;
  uploadRatePerMinute: number;
  uploadSweeper: UploadSweeper;
  compliance: Compliance;
  clientRecordings: ClientRecordingService;
  snapshots: SnapshotService;
  /** Own password, sessions and second factor; the admin account lifecycle. */
  accounts: AccountService;
  accountAdmin: AccountAdmin;
  /** Site & security settings, visitor session refresh (routes-site.ts). */
  siteRoutes: Pick<SiteRouteDeps, 'clock' | 'serverOrigin'>;
}

const IdParam = z.object({ id: z.string().uuid() });

export async function registerApiRoutes(app: FastifyInstance, d: ApiDeps): Promise<void> {
  const who = new RequestAuth(d.auth, d.visitors);
  await registerRoutingRoutes(app, { ...d.routingRoutes, db: d.db, who });
  await registerRecordingRoutes(app, { db: d.db, who, compliance: d.compliance });
  await registerClientRecordingRoutes(app, { who, clientRecordings: d.clientRecordings });
  await registerSnapshotRoutes(app, { who, snapshots: d.snapshots });
  await registerRecordingPolicyRoutes(app, { db: d.db, who, compliance: d.compliance });
  await registerSiteRoutes(app, { ...d.siteRoutes, db: d.db, who, compliance: d.compliance, visitors: d.visitors });
  await registerAccountRoutes(app, { who, accounts: d.accounts, admin: d.accountAdmin, linkRatePerMinute: d.loginRatePerMinute });

  // Keyed by address and account: hammering one account is stopped without locking out a
  // whole office behind one NAT address. Spraying many accounts from one address is stopped by
  // loginAddressLimiter, and the scrypt work of all sign-ins together by passwords.ts's gate.
  const loginKey = (req: { ip: string; body: unknown }) =>
    `${addressKey(req.ip)}|${String((req.body as { email?: unknown } | null)?.email ?? '').toLowerCase().slice(0, 254)}`;
  const loginLimit = { max: d.loginRatePerMinute, timeWindow: 60_000, keyGenerator: loginKey, hook: 'preHandler' as const };
  app.post('/api/auth/login', { config: { rateLimit: loginLimit } }, async (req, reply): Promise<SignedInAgent> => {
    const body = LoginRequest.parse(req.body);
    const { token, agent, expiresAt } = await limitedLogin(d.loginAddressLimiter, req.ip, reply, () =>
      d.auth.login(body.email, body.password, { totpCode: body.totpCode, userAgent: req.headers['user-agent'] ?? null, ip: req.ip }),
    );
    setSessionCookie(reply, token, expiresAt, d.cookieSecure(req));
    const org = (await OrgStore.byId(d.db, agent.org_id))!;
    return { agent: toAgentProfile(agent), org: { id: org.id, name: org.name } };
  });

  app.post('/api/auth/logout', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await d.auth.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/me', async (req): Promise<SignedInAgent> => {
    const p = await who.agent(req);
    const agent = (await AgentStore.byId(d.db, p.agentId))!;
    const org = (await OrgStore.byId(d.db, p.orgId))!;
    return { agent: toAgentProfile(agent), org: { id: org.id, name: org.name } };
  });

  app.put('/api/me/presence', async (req): Promise<PresenceAnswer> => {
    const p = await who.agent(req);
    const { presence } = PresenceRequest.parse(req.body);
    return { agent: await d.presence.set(p, presence) };
  });

  app.get('/api/agent/conversations', async (req): Promise<ConversationsAnswer> => {
    const p = await who.agent(req);
    const { scope } = z.object({ scope: z.enum(['live', 'closed']).default('live') }).parse(req.query);
    const conversations = await ConversationStore.listForAgent(d.db, p.orgId, isSupervisor(p) ? null : p.agentId, scope);
    return { conversations };
  });

  app.get('/api/conversations/:id', async (req): Promise<ConversationDetails> => {
    const p = await who.agent(req);
    const { id } = IdParam.parse(req.params);
    const c = await readableConversation(d.db, p, id);
    const visitor = (await VisitorStore.byId(d.db, c.visitor_id))!;
    const past = (await ConversationStore.listForVisitor(d.db, c.visitor_id, 20)).filter((x) => x.id !== c.id);
    return {
      // Read above (readableConversation), so it is there: conversations are never deleted.
      conversation: (await ConversationStore.summary(d.db, id, 'agent'))!,
      visitor: toVisitorProfile(visitor),
      pastConversations: past,
    };
  });

  app.get('/api/conversations/:id/events', async (req): Promise<EventsAnswer> => {
    const p = await who.any(req);
    const { id } = IdParam.parse(req.params);
    const q = z
      .object({
        afterSeq: z.coerce.number().int().nonnegative().default(0),
        limit: z.coerce.number().int().positive().max(LIMITS.eventsPageSize).default(LIMITS.eventsPageSize),
      })
      .parse(req.query);
    const events = await d.conversations.eventsAfter(p, id, q.afterSeq, q.limit);
    return { events: events.map((e) => d.urls.present(forReader(p, e))) };
  });

  app.post('/api/visitor/session', { config: { rateLimit: { max: d.visitorSessionRatePerMinute, timeWindow: 60_000 } } }, async (req): Promise<VisitorSessionResponse> => {
    const body = VisitorSessionRequest.parse(req.body);
    return d.visitors.session(body, req.headers['user-agent'] ?? null);
  });

  // Renews a visitor's access token; the refresh token is single use (rotated, reuse ends the session).
  app.post('/api/visitor/refresh', { config: { rateLimit: { max: d.visitorSessionRatePerMinute, timeWindow: 60_000 } } }, async (req): Promise<VisitorSessionResponse> => {
    return d.visitors.refresh(VisitorRefreshRequest.parse(req.body).refreshToken);
  });

  app.get('/api/visitor/conversations', async (req): Promise<ConversationsAnswer> => {
    const p = await who.any(req);
    if (p.kind !== 'visitor') throw new AppError('FORBIDDEN');
    return { conversations: await ConversationStore.listForVisitor(d.db, p.visitorId) };
  });

  await registerUploadRoutes(app, {
    db: d.db, who, audit: d.compliance.audit, uploads: d.uploads, sweeper: d.uploadSweeper, ratePerMinute: d.uploadRatePerMinute,
  });

  app.get('/api/blobs/:id', async (req, reply) => {
    const { id } = IdParam.parse(req.params);
    const q = z.object({ exp: z.coerce.number().int(), sig: z.string().max(128) }).safeParse(req.query);
    if (!q.success) throw notFound();
    const { row, stream } = await d.uploads.open(id, q.data.exp, q.data.sig);
    const inline = row.mime.startsWith('image/');
    return reply
      .header('content-type', row.mime)
      .header('content-length', row.size)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=3600')
      .header(
        'content-disposition',
        `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(row.name)}`,
      )
      .send(stream);
  });
}

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  RotateSecretRequest, SiteOriginsRequest,
  type IdentitySecretAnswer, type RotatedSecretAnswer, type SiteSettings, type VisitorSessionsRevokedAnswer, type VisitorSiteAnswer,
} from '@visavis/protocol';
import { AppError, notFound } from '../platform/errors.js';
import { actorOf } from '../audit/index.js';
import type { Compliance } from '../recording/index.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import type { VisitorService } from './visitor-service.js';
import type { AgentPrincipal } from './principal.js';
import { allowedOriginsOf, SiteStore, type SiteRow } from './site-store.js';
import { VisitorStore } from './visitor-store.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface SiteRouteDeps {
  db: Database;
  who: RequestAuth;
  compliance: Compliance;
  visitors: VisitorService;
  clock: Clock;
  /** PUBLIC_URL's origin, always allowed to frame the widget (the demo page); the page's own origin is too. */
  serverOrigin: string | null;
}

const IdParam = z.object({ id: z.string().uuid() });
const SiteKeyQuery = z.object({ siteKey: z.string().min(1).max(64) });

/** Enough of the secret to tell two apart, never enough to use. */
const mask = (secret: string) => `${secret.slice(0, 4)}${'•'.repeat(12)}${secret.slice(-4)}`;

function settingsOf(site: SiteRow, serverOrigin: string | null, now: Date): SiteSettings {
  const until = site.identity_secret_previous_until ? new Date(site.identity_secret_previous_until) : null;
  return {
    siteKey: site.site_key,
    allowedOrigins: allowedOriginsOf(site),
    serverOrigin,
    identitySecretMasked: mask(site.identity_secret),
    previousSecretValidUntil: site.identity_secret_previous && until && until > now ? until.toISOString() : null,
  };
}

/**
 * The organisation's embedding settings (admin "Site & security"): site key, identity secret
 * (masked; revealing and rotating it are audited), and the sites allowed to frame the widget.
 * Also the visitor-facing list of those sites, which the chat iframe checks postMessage against.
 */
export async function registerSiteRoutes(app: FastifyInstance, d: SiteRouteDeps): Promise<void> {
  const { who } = d;
  const { audit } = d.compliance;
  const admin = async (req: Parameters<RequestAuth['agent']>[0]): Promise<AgentPrincipal> => {
    const p = await who.agent(req);
    if (p.role !== 'admin') throw new AppError('FORBIDDEN', 'Admins only.');
    return p;
  };
  const site = async (orgId: string) => (await SiteStore.byOrg(d.db, orgId)) ?? Promise.reject(notFound('No such organisation.'));

  app.get('/api/visitor/site', async (req): Promise<VisitorSiteAnswer> => {
    const { siteKey } = SiteKeyQuery.parse(req.query);
    const row = await SiteStore.bySiteKey(d.db, siteKey);
    if (!row) throw new AppError('UNKNOWN_SITE');
    return { allowedOrigins: [...(d.serverOrigin ? [d.serverOrigin] : []), ...allowedOriginsOf(row)] };
  });

  app.get('/api/admin/site', async (req): Promise<SiteSettings> => {
    const p = await admin(req);
    return settingsOf(await site(p.orgId), d.serverOrigin, d.clock.now());
  });

  app.post('/api/admin/site/identity-secret/reveal', async (req): Promise<IdentitySecretAnswer> => {
    const p = await admin(req);
    const row = await site(p.orgId);
    await audit.append({ orgId: p.orgId, actor: actorOf(p), action: 'site.identity_secret_revealed', target: { type: 'org', id: p.orgId }, details: {} });
    return { identitySecret: row.identity_secret };
  });

  app.post('/api/admin/site/identity-secret/rotate', async (req): Promise<RotatedSecretAnswer> => {
    const p = await admin(req);
    const { overlapHours } = RotateSecretRequest.parse(req.body);
    const now = d.clock.now();
    const until = new Date(now.getTime() + overlapHours * 3_600_000);
    const secret = randomBytes(32).toString('hex');
    await d.db.transaction(async (tx) => {
      await SiteStore.rotateSecret(tx, p.orgId, secret, until);
      await audit.append(
        { orgId: p.orgId, actor: actorOf(p), action: 'site.identity_secret_rotated', target: { type: 'org', id: p.orgId }, details: { previousValidUntil: until.toISOString() } },
        tx,
      );
    });
    return { identitySecret: secret, settings: settingsOf(await site(p.orgId), d.serverOrigin, now) };
  });

  app.put('/api/admin/site/allowed-origins', async (req): Promise<SiteSettings> => {
    const p = await admin(req);
    const origins = [...new Set(SiteOriginsRequest.parse(req.body).allowedOrigins.map((o) => o.toLowerCase()))];
    const before = allowedOriginsOf(await site(p.orgId));
    await d.db.transaction(async (tx) => {
      await SiteStore.setAllowedOrigins(tx, p.orgId, origins);
      await audit.append(
        { orgId: p.orgId, actor: actorOf(p), action: 'site.allowed_origins_changed', target: { type: 'org', id: p.orgId }, details: { from: before, to: origins } },
        tx,
      );
    });
    return settingsOf(await site(p.orgId), d.serverOrigin, d.clock.now());
  });

  app.post('/api/admin/visitors/:id/revoke-sessions', async (req): Promise<VisitorSessionsRevokedAnswer> => {
    const p = await who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    const { id } = IdParam.parse(req.params);
    const visitor = await VisitorStore.byId(d.db, id);
    if (!visitor || visitor.org_id !== p.orgId) throw notFound('No such visitor.');
    const revoked = await d.visitors.revokeVisitor(p.orgId, id, (tx, n) =>
      audit.append({ orgId: p.orgId, actor: actorOf(p), action: 'visitor.sessions_revoked', target: { type: 'visitor', id }, details: { revoked: n } }, tx));
    return { revoked };
  });
}

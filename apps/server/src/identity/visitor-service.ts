import { randomUUID } from 'node:crypto';
import type { VisitorSessionRequest, VisitorSessionResponse } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import { emit } from '../platform/events/domain-events.js';
import { randomToken, sha256Hex, type TokenSigner } from './tokens.js';
import { SiteStore, type SiteRow } from './site-store.js';
import { VisitorStore, type VisitorDetails, type VisitorRow } from './visitor-store.js';
import { VisitorSessionStore, type RevokeReason, type VisitorSessionRow } from './visitor-session-store.js';
import type { Principal } from './principal.js';
import { verifyIdentity, type IdentityPolicy } from './visitor-identity.js';
import { VisitorRevocations } from './visitor-revocations.js';

export interface VisitorTokenSettings extends IdentityPolicy {
  accessTokenTtlMs: number;
  sessionIdleMs: number;
}

export const DEFAULT_VISITOR_TOKEN_SETTINGS: VisitorTokenSettings = {
  accessTokenTtlMs: 60 * 60 * 1000,
  sessionIdleMs: 30 * 24 * 60 * 60 * 1000,
  maxAgeSeconds: 600,
  acceptV1: false,
};

/**
 * Two tabs of one browser share the stored refresh token and may both renew it at once; the
 * second use within this window is that race, not a thief, and renews instead of revoking.
 */
const REUSE_GRACE_MS = 30_000;

/** Access token payload. `sid` names the session, so a revocation reaches tokens already issued. */
interface VisitorTokenPayload {
  org: string;
  vis: string;
  sid?: string;
  exp: number;
}

/**
 * Visitor identity and sessions (docs/architecture.md §4). Anonymous visitors get a session for
 * their own visitor id; identified visitors prove their user id with the business's signed,
 * expiring identity. A session hands out short-lived access tokens and a rotating refresh token.
 */
export class VisitorService {
  readonly revocations: VisitorRevocations;

  constructor(
    private readonly db: Database,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly settings: VisitorTokenSettings = DEFAULT_VISITOR_TOKEN_SETTINGS,
  ) {
    this.revocations = new VisitorRevocations(settings.accessTokenTtlMs);
    bus.subscribe('visitor.session_revoked', (m) => this.revocations.add(m.sessionId, this.clock.now().getTime()));
  }

  /** Loads recent revocations, so a restarted node does not accept a revoked session's tokens. */
  async start(): Promise<void> {
    await this.revocations.load(this.db, this.clock.now());
  }

  /** Deletes ended sessions and old used refresh tokens (hourly, from the composition root). */
  async sweep(): Promise<number> {
    const now = this.clock.now().getTime();
    this.revocations.prune(now);
    return VisitorSessionStore.sweep(this.db, new Date(now - this.settings.accessTokenTtlMs - 60_000), new Date(now - this.settings.sessionIdleMs));
  }

  async session(req: VisitorSessionRequest, userAgent: string | null): Promise<VisitorSessionResponse> {
    const site = await SiteStore.bySiteKey(this.db, req.siteKey);
    if (!site) throw new AppError('UNKNOWN_SITE');
    const now = this.clock.now();
    const details: VisitorDetails = { pageUrl: req.pageUrl ?? null, userAgent: userAgent?.slice(0, 500) ?? null, language: req.language ?? null };
    // What this browser had before: its refresh token (or, from older widgets, an access token).
    const previous = await this.previousSession(site.id, req);

    if (req.identity) {
      const id = verifyIdentity(site, req.identity, now, this.settings);
      const identified = { ...details, name: id.name, email: id.email };
      const known = await VisitorStore.byExternalId(this.db, site.id, id.userId);
      const visitor = known ? await VisitorStore.touch(this.db, known.id, identified) : await VisitorStore.create(this.db, site.id, id.userId, identified);
      if (id.facts) {
        const f = id.facts;
        await this.db.query(
          'update visitors set vip = coalesce($2, vip), tags = coalesce($3, tags), attributes = coalesce($4, attributes) where id = $1',
          [visitor.id, f.vip ?? null, f.tags ? JSON.stringify(f.tags) : null, f.attributes ? JSON.stringify(f.attributes) : null],
        );
      }
      // Another tab of this person keeps its session; someone else's session in this browser ends.
      if (previous?.session && previous.session.visitor_id === visitor.id) return this.issue(site, visitor, previous.session);
      if (previous?.session) await this.revoke(previous.session, 'replaced');
      return this.issue(site, visitor, null);
    }

    if (previous?.session?.identified || previous?.visitor?.external_id) {
      // An anonymous start after an identified one (the customer logged out of the business's
      // site): that identity's session ends here, and this browser becomes a new visitor.
      if (previous.session) await this.revoke(previous.session, 'replaced');
    } else if (previous?.visitor) {
      const visitor = await VisitorStore.touch(this.db, previous.visitor.id, details);
      return this.issue(site, visitor, previous.session);
    }
    return this.issue(site, await VisitorStore.create(this.db, site.id, null, details), null);
  }

  /** POST /api/visitor/refresh: a new access token and refresh token for the same session. */
  async refresh(refreshToken: string): Promise<VisitorSessionResponse> {
    const session = await this.redeem(refreshToken);
    const site = await SiteStore.byOrg(this.db, session.org_id);
    const visitor = await VisitorStore.byId(this.db, session.visitor_id);
    if (!site || !visitor) throw new AppError('INVALID_TOKEN');
    return this.issue(site, visitor, session);
  }

  /** Ends every live session of a visitor (admin, API); their sockets close and tokens stop working. */
  /**
   * Ends every live session of a visitor in one transaction, with `record` (the audit entry) in
   * it; the sockets are closed once it committed.
   */
  async revokeVisitor(orgId: string, visitorId: string, record?: (tx: SqlExecutor, revoked: number) => Promise<unknown>): Promise<number> {
    const now = this.clock.now();
    const revoked = await this.db.transaction(async (tx) => {
      const ended: VisitorSessionRow[] = [];
      for (const s of await VisitorSessionStore.liveForVisitor(tx, orgId, visitorId)) {
        if (await VisitorSessionStore.revoke(tx, s.id, 'admin', now)) ended.push(s);
      }
      for (const s of ended) await emitRevoked(tx, s);
      await record?.(tx, ended.length);
      return ended;
    });
    for (const s of revoked) this.refuseHere(s);
    return revoked.length;
  }

  verifyToken(token: string): { orgId: string; visitorId: string; sessionId: string | null } | null {
    const p = this.signer.verify<VisitorTokenPayload>('v', token, this.clock.now().getTime());
    if (!p || typeof p.org !== 'string' || typeof p.vis !== 'string') return null;
    return { orgId: p.org, visitorId: p.vis, sessionId: typeof p.sid === 'string' ? p.sid : null };
  }

  /** Only session-bound, unrevoked tokens authorise; a pre-session (v1) token must be renewed. */
  principal(token: string | undefined): Principal | null {
    const v = token ? this.verifyToken(token) : null;
    if (!v?.sessionId || this.revocations.has(v.sessionId)) return null;
    return { kind: 'visitor', orgId: v.orgId, visitorId: v.visitorId, sessionId: v.sessionId };
  }

  private async previousSession(orgId: string, req: VisitorSessionRequest): Promise<{ session: VisitorSessionRow | null; visitor: VisitorRow | null } | null> {
    if (req.refreshToken) {
      const session = await this.redeem(req.refreshToken).catch((e: unknown) => {
        // A dead refresh token only means "no previous session"; reuse has already revoked it.
        if (e instanceof AppError) return null;
        throw e;
      });
      if (session && session.org_id === orgId) return { session, visitor: (await VisitorStore.byId(this.db, session.visitor_id)) ?? null };
    }
    const token = req.visitorToken ? this.verifyToken(req.visitorToken) : null;
    if (!token || token.orgId !== orgId) return null;
    const session = token.sessionId ? await VisitorSessionStore.byId(this.db, token.sessionId) : undefined;
    if (session?.revoked_at) return null;
    return { session: session ?? null, visitor: (await VisitorStore.byId(this.db, token.visitorId)) ?? null };
  }

  /**
   * Uses a refresh token once. A second use after the grace window means two parties hold it:
   * the whole session is revoked, so the thief's copy and everything issued from it stop working.
   */
  private async redeem(refreshToken: string): Promise<VisitorSessionRow> {
    const now = this.clock.now();
    const hash = sha256Hex(refreshToken);
    const token = await VisitorSessionStore.refreshToken(this.db, hash);
    const session = token ? await VisitorSessionStore.byId(this.db, token.session_id) : undefined;
    if (!token || !session || session.revoked_at) throw new AppError('INVALID_TOKEN');
    if (now.getTime() - new Date(session.last_used_at).getTime() > this.settings.sessionIdleMs) {
      await this.revoke(session, 'idle');
      throw new AppError('INVALID_TOKEN');
    }
    const fresh = token.used_at === null && (await VisitorSessionStore.useRefreshToken(this.db, hash, now));
    if (!fresh) {
      const usedAt = token.used_at ? new Date(token.used_at).getTime() : now.getTime();
      if (now.getTime() - usedAt > REUSE_GRACE_MS) {
        await this.revoke(session, 'reuse');
        throw new AppError('REFRESH_TOKEN_REUSED');
      }
    }
    await VisitorSessionStore.touch(this.db, session.id, now);
    return session;
  }

  private async issue(site: SiteRow, visitor: VisitorRow, existing: VisitorSessionRow | null): Promise<VisitorSessionResponse> {
    const now = this.clock.now();
    const session =
      existing ??
      (await VisitorSessionStore.create(this.db, { id: randomUUID(), orgId: site.id, visitorId: visitor.id, identified: visitor.external_id !== null, now }));
    const refreshToken = randomToken();
    await VisitorSessionStore.addRefreshToken(this.db, sha256Hex(refreshToken), session.id, now);
    const exp = now.getTime() + this.settings.accessTokenTtlMs;
    const payload: VisitorTokenPayload = { org: site.id, vis: visitor.id, sid: session.id, exp };
    return {
      visitorToken: this.signer.sign('v', { ...payload }),
      expiresAt: new Date(exp).toISOString(),
      refreshToken,
      visitorId: visitor.id,
      identified: visitor.external_id !== null,
      orgName: site.name,
    };
  }

  private async revoke(session: VisitorSessionRow, reason: RevokeReason): Promise<void> {
    const done = await this.db.transaction(async (tx) => {
      if (!(await VisitorSessionStore.revoke(tx, session.id, reason, this.clock.now()))) return false;
      await emitRevoked(tx, session);
      return true;
    });
    if (done) this.refuseHere(session);
  }

  /**
   * A revocation committed: refused on this node at once; every node (this one too) hears of it
   * from the identity listener of `visitor.session_revoked`, and closes the session's sockets.
   */
  private refuseHere(session: VisitorSessionRow): void {
    this.revocations.add(session.id, this.clock.now().getTime());
  }
}

async function emitRevoked(tx: SqlExecutor, session: VisitorSessionRow): Promise<void> {
  await emit(tx, session.org_id, 'visitor.session_revoked', { visitorId: session.visitor_id, sessionId: session.id });
}

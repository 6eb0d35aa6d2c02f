import { VisitorRoutingFacts, type VisitorSessionRequest, type VisitorSessionResponse } from '@visavis/protocol';
import { hexEquals, normalizeExternalUserId } from '@visavis/domain';
import { AppError } from '../errors.js';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import { hmacHex, type TokenSigner } from '../security/tokens.js';
import { OrgStore } from '../stores/org-store.js';
import { VisitorStore, type VisitorRow } from '../stores/visitor-store.js';
import type { Principal } from './principal.js';

/** Checks the business's signature over the routing facts, then their shape. */
function verifiedFacts(secret: string, userId: string, facts: string, hash: string | undefined) {
  if (!hash || !hexEquals(hmacHex(secret, `${userId}.${facts}`), hash)) {
    throw new AppError('INVALID_IDENTITY', 'The routing facts signature does not verify.');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(facts, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The routing facts are not base64url-encoded JSON.');
  }
  return VisitorRoutingFacts.parse(json);
}

const VISITOR_TOKEN_TTL_MS = 180 * 24 * 60 * 60 * 1000;

interface VisitorTokenPayload {
  org: string;
  vis: string;
  exp: number;
}

/**
 * Visitor identity. Anonymous visitors get a signed token scoped to their own visitor id;
 * identified visitors prove their user id with the business's HMAC (identity verification),
 * so one person gets one history across devices, and nobody can claim someone else's id.
 */
export class VisitorService {
  constructor(
    private readonly db: Database,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
  ) {}

  async session(req: VisitorSessionRequest, userAgent: string | null): Promise<VisitorSessionResponse> {
    const org = await OrgStore.bySiteKey(this.db, req.siteKey);
    if (!org) throw new AppError('UNKNOWN_SITE');
    const details = { pageUrl: req.pageUrl ?? null, userAgent: userAgent?.slice(0, 500) ?? null, language: req.language ?? null };
    let visitor: VisitorRow | undefined;
    if (req.identity) {
      const userId = normalizeExternalUserId(req.identity.userId);
      if (!hexEquals(hmacHex(org.identity_secret, userId), req.identity.hash)) throw new AppError('INVALID_IDENTITY');
      const identified = { ...details, name: req.identity.name ?? null, email: req.identity.email ?? null };
      visitor = await VisitorStore.byExternalId(this.db, org.id, userId);
      visitor = visitor
        ? await VisitorStore.touch(this.db, visitor.id, identified)
        : await VisitorStore.create(this.db, org.id, userId, identified);
      if (req.identity.facts !== undefined) {
        const facts = verifiedFacts(org.identity_secret, userId, req.identity.facts, req.identity.factsHash);
        await this.db.query(
          'update visitors set vip = coalesce($2, vip), tags = coalesce($3, tags), attributes = coalesce($4, attributes) where id = $1',
          [visitor.id, facts.vip ?? null, facts.tags ? JSON.stringify(facts.tags) : null, facts.attributes ? JSON.stringify(facts.attributes) : null],
        );
      }
    } else {
      const known = req.visitorToken ? this.verifyToken(req.visitorToken) : null;
      // A token of an identified visitor is not enough to act as them without the HMAC again.
      const existing = known && known.orgId === org.id ? await VisitorStore.byId(this.db, known.visitorId) : undefined;
      visitor =
        existing && existing.external_id === null
          ? await VisitorStore.touch(this.db, existing.id, details)
          : await VisitorStore.create(this.db, org.id, null, details);
    }
    return {
      visitorToken: this.issueToken(org.id, visitor.id),
      visitorId: visitor.id,
      identified: visitor.external_id !== null,
      orgName: org.name,
    };
  }

  issueToken(orgId: string, visitorId: string): string {
    const payload: VisitorTokenPayload = { org: orgId, vis: visitorId, exp: this.clock.now().getTime() + VISITOR_TOKEN_TTL_MS };
    return this.signer.sign('v', { ...payload });
  }

  verifyToken(token: string): { orgId: string; visitorId: string } | null {
    const p = this.signer.verify<VisitorTokenPayload>('v', token, this.clock.now().getTime());
    return p ? { orgId: p.org, visitorId: p.vis } : null;
  }

  principal(token: string | undefined): Principal | null {
    const v = token ? this.verifyToken(token) : null;
    return v ? { kind: 'visitor', orgId: v.orgId, visitorId: v.visitorId } : null;
  }
}

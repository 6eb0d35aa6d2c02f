import type { z } from 'zod';
import { VisitorRoutingFacts, type VisitorIdentity } from '@visavis/protocol';
import { hexEquals, normalizeExternalUserId } from '@visavis/domain';
import { AppError } from '../platform/errors.js';
import { factsSigningString, hmacHex, identitySigningString } from './tokens.js';
import { identitySecrets, type SiteRow } from './site-store.js';

export interface IdentityPolicy {
  maxAgeSeconds: number;
  /** Accept the retired v1 hash (HMAC of the user id alone): no expiry, name/email unsigned. */
  acceptV1: boolean;
}

/** A clock a little ahead at the business's backend must not lock its customers out. */
const FUTURE_SKEW_SECONDS = 60;

type RoutingFacts = z.infer<typeof VisitorRoutingFacts>;

export interface VerifiedIdentity {
  userId: string;
  name: string | null;
  email: string | null;
  facts: RoutingFacts | null;
}

const matchesAny = (secrets: string[], message: string, hash: string) => secrets.some((s) => hexEquals(hmacHex(s, message), hash));

/**
 * Checks a signed identity (README "Identified visitors"): the v2 MAC covers user id, time, name
 * and e-mail, so a captured hash is good for IDENTITY_MAX_AGE_SECONDS and cannot rename anyone.
 * The signature is checked before the time, so a forged identity never learns about expiry.
 */
export function verifyIdentity(site: SiteRow, identity: VisitorIdentity, now: Date, policy: IdentityPolicy): VerifiedIdentity {
  const secrets = identitySecrets(site, now);
  const v1 = identity.ts === undefined;
  if (v1) {
    if (!policy.acceptV1) throw new AppError('IDENTITY_SCHEME_OUTDATED');
    if (!matchesAny(secrets, identity.userId, identity.hash)) throw new AppError('INVALID_IDENTITY');
  } else {
    const signed = { userId: identity.userId, ts: identity.ts!, name: identity.name, email: identity.email };
    if (!matchesAny(secrets, identitySigningString(signed), identity.hash)) throw new AppError('INVALID_IDENTITY');
    const age = now.getTime() / 1000 - identity.ts!;
    if (age > policy.maxAgeSeconds || age < -FUTURE_SKEW_SECONDS) throw new AppError('IDENTITY_EXPIRED');
  }
  let facts: RoutingFacts | null = null;
  if (identity.facts !== undefined) {
    const message = v1 ? `${identity.userId}.${identity.facts}` : factsSigningString(identity.userId, identity.facts);
    if (!identity.factsHash || !matchesAny(secrets, message, identity.factsHash)) {
      throw new AppError('INVALID_IDENTITY', 'The routing facts signature does not verify.');
    }
    facts = parseFacts(identity.facts);
  }
  return { userId: normalizeExternalUserId(identity.userId), name: identity.name ?? null, email: identity.email ?? null, facts };
}

function parseFacts(facts: string): RoutingFacts {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(facts, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The routing facts are not base64url-encoded JSON.');
  }
  const parsed = VisitorRoutingFacts.safeParse(json);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'The routing facts do not match VisitorRoutingFacts.');
  return parsed.data;
}

import { z } from 'zod';
import { LIMITS } from './limits.js';
import { Language } from './model.js';

/** REST request bodies, validated at the server boundary and reused by clients for types. */
export const LoginRequest = z.object({
  email: z.string().email().max(254),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/**
 * Identified visitors: the business's backend computes
 * hash = hex(HMAC-SHA256(identitySecret, userId)) and passes userId + hash to the embed.
 */
export const VisitorIdentity = z.object({
  userId: z.string().min(1).max(128),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().max(LIMITS.nameChars).optional(),
  email: z.string().email().max(254).optional(),
  /**
   * Routing facts the business vouches for (VIP, tags, attributes): base64url of a JSON object
   * matching VisitorRoutingFacts, with factsHash = hex(HMAC-SHA256(identitySecret, userId + "." + facts)).
   * Unsigned facts are never trusted: anyone could make themselves VIP.
   */
  facts: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/).optional(),
  factsHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type VisitorIdentity = z.infer<typeof VisitorIdentity>;

export const VisitorSessionRequest = z.object({
  siteKey: z.string().min(1).max(64),
  /** A token this browser got before; reused when still valid, so the visitor keeps history. */
  visitorToken: z.string().max(512).optional(),
  identity: VisitorIdentity.optional(),
  pageUrl: z.string().max(LIMITS.urlChars).optional(),
  language: Language.optional(),
});
export type VisitorSessionRequest = z.infer<typeof VisitorSessionRequest>;

export interface VisitorSessionResponse {
  visitorToken: string;
  visitorId: string;
  identified: boolean;
  orgName: string;
}

export const PresenceRequest = z.object({ presence: z.enum(['online', 'away', 'busy', 'offline']) });

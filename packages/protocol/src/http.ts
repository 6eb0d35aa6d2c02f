import { z } from 'zod';
import { LIMITS } from './limits.js';
import { Language } from './model.js';

/** REST request bodies, validated at the server boundary and reused by clients for types. */
export const LoginRequest = z.object({
  email: z.string().email().max(254),
  password: z.string().min(1).max(256),
  /** The authenticator code, when the account has a second factor (else TOTP_REQUIRED). */
  totpCode: z.string().regex(/^\d{6}$/).optional(),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** No line breaks: the v2 identity MAC joins its fields with "\n" (docs: README "Identified visitors"). */
const oneLine = (max: number) => z.string().max(max).regex(/^[^\r\n]*$/, 'must not contain line breaks');

/**
 * Identified visitors (v2): the business's backend signs
 * hash = hex(HMAC-SHA256(identitySecret, "visavis-identity-v2\n" + userId + "\n" + ts + "\n" + (name ?? "") + "\n" + (email ?? "")))
 * with ts = the current Unix time in seconds; the server accepts it for IDENTITY_MAX_AGE_SECONDS.
 * Without ts it is the retired v1 hash (userId only), refused unless IDENTITY_ACCEPT_V1.
 */
export const VisitorIdentity = z.object({
  userId: oneLine(128).min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  ts: z.number().int().min(0).max(2 ** 40).optional(),
  name: oneLine(LIMITS.nameChars).optional(),
  email: z.string().email().max(254).optional(),
  /**
   * Routing facts the business vouches for (VIP, tags, attributes): base64url of a JSON object
   * matching VisitorRoutingFacts, with factsHash = hex(HMAC-SHA256(identitySecret, "visavis-facts-v2\n" + userId + "\n" + facts)).
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
  /** This browser's refresh token: resumes its session (rotated), or is revoked when it belongs to someone else. */
  refreshToken: z.string().max(128).optional(),
  identity: VisitorIdentity.optional(),
  pageUrl: z.string().max(LIMITS.urlChars).optional(),
  language: Language.optional(),
});
export type VisitorSessionRequest = z.infer<typeof VisitorSessionRequest>;

export const VisitorRefreshRequest = z.object({ refreshToken: z.string().min(1).max(128) });
export type VisitorRefreshRequest = z.infer<typeof VisitorRefreshRequest>;

/** An origin a site admin allows to embed the widget: scheme://host[:port], nothing else. */
export const SiteOrigin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](:\d{1,5})?$/i, 'must be an origin like https://www.example.com');
export const SiteOriginsRequest = z.object({ allowedOrigins: z.array(SiteOrigin).max(50) });

export const RotateSecretRequest = z.object({ overlapHours: z.number().int().min(0).max(720) });

export const PresenceRequest = z.object({ presence: z.enum(['online', 'away', 'busy', 'offline']) });

import { z } from 'zod';

/**
 * The answers of the visitor session and site settings endpoints (routes-api.ts, routes-site.ts),
 * as zod schemas for tests and the OpenAPI document; browser code imports only the types.
 */

/** POST /api/visitor/session and POST /api/visitor/refresh */
export const VisitorSessionResponse = z.object({
  /** Short-lived access token (HTTP Bearer, WebSocket auth frame). */
  visitorToken: z.string(),
  /** When visitorToken expires (ISO time); renew before with POST /api/visitor/refresh. */
  expiresAt: z.string(),
  /** Opaque, single use: each refresh answers a new one. Keep it where the page can read it again. */
  refreshToken: z.string(),
  visitorId: z.string(),
  identified: z.boolean(),
  orgName: z.string(),
});
export type VisitorSessionResponse = z.infer<typeof VisitorSessionResponse>;

/** GET /api/visitor/site: the origins the chat iframe may talk to (postMessage partners). */
export const VisitorSiteAnswer = z.object({ allowedOrigins: z.array(z.string()) });
export type VisitorSiteAnswer = z.infer<typeof VisitorSiteAnswer>;

/** GET /api/admin/site, PUT /api/admin/site/allowed-origins: what an integrator needs, the identity secret masked. */
export const SiteSettings = z.object({
  siteKey: z.string(),
  /** Origins allowed to frame the widget besides the server's own. */
  allowedOrigins: z.array(z.string()),
  /** PUBLIC_URL's origin (always allowed), or null when unset: then the page's own origin is. */
  serverOrigin: z.string().nullable(),
  identitySecretMasked: z.string(),
  /** After a rotation: the previous secret still verifies identities until then (ISO), else null. */
  previousSecretValidUntil: z.string().nullable(),
});
export type SiteSettings = z.infer<typeof SiteSettings>;

/** POST /api/admin/site/identity-secret/reveal (audited) */
export const IdentitySecretAnswer = z.object({ identitySecret: z.string() });
export type IdentitySecretAnswer = z.infer<typeof IdentitySecretAnswer>;

/** POST /api/admin/site/identity-secret/rotate: the new secret, shown once, and the settings after. */
export const RotatedSecretAnswer = z.object({ identitySecret: z.string(), settings: SiteSettings });
export type RotatedSecretAnswer = z.infer<typeof RotatedSecretAnswer>;

/** POST /api/admin/visitors/:id/revoke-sessions: how many of the visitor's sessions were ended. */
export const VisitorSessionsRevokedAnswer = z.object({ revoked: z.number().int().nonnegative() });
export type VisitorSessionsRevokedAnswer = z.infer<typeof VisitorSessionsRevokedAnswer>;

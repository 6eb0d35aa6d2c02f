import type { AuditLog } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import { every } from '../platform/lifecycle.js';
import type { ModulePlatform } from '../platform/modules.js';
import { AccountAdmin } from './account-admin.js';
import { AccountService } from './account-service.js';
import { AuthService } from './auth-service.js';
import { AddressLoginLimiter } from './login-limits.js';
import { hashGate } from './passwords.js';
import { registerIdentityListeners } from './identity-listeners.js';
import { allowedOriginsOf, SiteStore } from './site-store.js';
import { VisitorService } from './visitor-service.js';

export type IdentityConfig = Pick<
  Config,
  | 'SESSION_IDLE_MINUTES' | 'publicUrl' | 'PUBLIC_URL' | 'PASSWORD_LINK_HOURS'
  | 'VISITOR_ACCESS_TOKEN_MINUTES' | 'VISITOR_SESSION_IDLE_DAYS' | 'IDENTITY_MAX_AGE_SECONDS' | 'IDENTITY_ACCEPT_V1'
  | 'LOGIN_MAX_CONCURRENT_HASHES' | 'LOGIN_MAX_QUEUED_HASHES' | 'LOGIN_RATE_PER_ADDRESS_PER_MINUTE'
>;

/**
 * The identity module: agents' sign-in, sessions and accounts, visitors' sessions and tokens.
 * Its jobs end idle agent sessions (closing their sockets) and forget ended visitor sessions.
 */
export async function identityModule(
  platform: Pick<ModulePlatform, 'db' | 'bus' | 'clock' | 'signer' | 'reportError' | 'jobs' | 'listeners'>,
  config: IdentityConfig,
  deps: { audit: AuditLog },
) {
  const { db, bus, clock, reportError } = platform;
  const auth = new AuthService(db, clock, deps.audit, { idleMs: config.SESSION_IDLE_MINUTES * 60_000 });
  const accounts = new AccountService(db, clock, auth, deps.audit);
  const accountAdmin = new AccountAdmin(db, clock, auth, deps.audit, {
    publicUrl: config.publicUrl, ttlMs: config.PASSWORD_LINK_HOURS * 3_600_000,
  });
  const visitors = new VisitorService(db, platform.signer, clock, bus, {
    accessTokenTtlMs: config.VISITOR_ACCESS_TOKEN_MINUTES * 60_000,
    sessionIdleMs: config.VISITOR_SESSION_IDLE_DAYS * 86_400_000,
    maxAgeSeconds: config.IDENTITY_MAX_AGE_SECONDS,
    acceptV1: config.IDENTITY_ACCEPT_V1 === 'true',
  });
  // Before any request: a restarted node must not accept the tokens of sessions revoked lately.
  await visitors.start();
  hashGate.configure({ maxConcurrent: config.LOGIN_MAX_CONCURRENT_HASHES, maxQueued: config.LOGIN_MAX_QUEUED_HASHES });
  const loginAddressLimiter = new AddressLoginLimiter(clock, config.LOGIN_RATE_PER_ADDRESS_PER_MINUTE);
  const serverOrigin = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : null;

  registerIdentityListeners(platform.listeners, bus);
  platform.jobs.add(every('agent session sweep', 60_000, () => auth.expireStale(), reportError));
  platform.jobs.add(every('visitor session sweep', 3_600_000, () => visitors.sweep(), reportError));

  return {
    auth, accounts, accountAdmin, visitors, loginAddressLimiter, serverOrigin,
    /** Who may frame the widget of a site: this server and the site's allowed origins. */
    widgetFrameAncestors: async (siteKey: string | null | undefined): Promise<string[]> => {
      const site = siteKey ? await SiteStore.bySiteKey(db, siteKey) : undefined;
      return [...(serverOrigin ? [serverOrigin] : []), ...(site ? allowedOriginsOf(site) : [])];
    },
  };
}

export type IdentityModule = Awaited<ReturnType<typeof identityModule>>;

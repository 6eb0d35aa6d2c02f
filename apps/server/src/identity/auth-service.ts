import { AppError } from '../platform/errors.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { AuditLog } from '../audit/index.js';
import { emit } from '../platform/events/domain-events.js';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.js';
import { randomToken, sha256Hex } from './tokens.js';
import { AccountStore, AgentSessions, type AgentSessionRow } from './account-store.js';
import type { AgentRow } from './agent-store.js';
import type { AgentPrincipal } from './principal.js';
import { checkTotp } from './second-factor.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** last_used_at is written at most this often per session: one write a minute, not one per request. */
const TOUCH_EVERY_MS = 60_000;

export interface AuthSettings {
  /** A session unused for this long is over, within its absolute lifetime. */
  idleMs: number;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = { idleMs: 60 * 60_000 };

export interface LoginExtras {
  totpCode?: string;
  userAgent?: string | null;
  ip?: string | null;
}

/** Agent login with opaque session tokens; only their SHA-256 is stored. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** Successful logins are audited in the transaction that creates the session. */
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings = DEFAULT_AUTH_SETTINGS,
  ) {}

  private idleSince(now: Date): Date {
    return new Date(now.getTime() - this.settings.idleMs);
  }

  async login(email: string, password: string, extras: LoginExtras = {}): Promise<{ token: string; agent: AgentRow; expiresAt: Date }> {
    const agent = await AccountStore.byEmail(this.db, email);
    // Verify against a dummy hash for unknown emails and accounts without a password yet, so
    // response time does not reveal which accounts exist.
    const ok = await verifyPassword(password, agent?.password_hash || (await DUMMY_HASH_PROMISE));
    if (!agent || !ok) throw new AppError('INVALID_CREDENTIALS');
    // Only someone who knows the password learns that the account is deactivated.
    if (!agent.active) throw new AppError('ACCOUNT_DEACTIVATED');
    const now = this.clock.now();
    if (agent.totp_secret) await checkTotp(this.db, agent, agent.totp_secret, extras.totpCode, now);
    const token = randomToken();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    // Failed logins are not audited: looking up the account's organisation only on failure
    // would make response times reveal which emails exist.
    await this.db.transaction(async (tx) => {
      await AgentSessions.create(tx, {
        tokenHash: sha256Hex(token), agentId: agent.id, orgId: agent.org_id, now, expiresAt,
        userAgent: extras.userAgent?.slice(0, 300) ?? null, ip: extras.ip?.slice(0, 64) ?? null,
      });
      await this.audit.append({
        orgId: agent.org_id, actor: { kind: 'agent', id: agent.id }, action: 'agent.login',
        target: { type: 'agent', id: agent.id }, details: { sessionExpiresAt: expiresAt.toISOString() },
      }, tx);
    });
    return { token, agent, expiresAt };
  }

  async authenticate(token: string | undefined): Promise<AgentPrincipal | null> {
    if (!token) return null;
    const now = this.clock.now();
    const session = await AgentSessions.findLive(this.db, sha256Hex(token), now, this.idleSince(now));
    if (!session) return null;
    if (now.getTime() - new Date(session.last_used_at).getTime() >= TOUCH_EVERY_MS) await AgentSessions.touch(this.db, session.id, now);
    return { kind: 'agent', orgId: session.org_id, agentId: session.agent_id, role: session.role, name: session.name, sessionId: session.id };
  }

  /**
   * Activity on an open WebSocket keeps its session alive like an HTTP request does. Callers
   * throttle (the gateway calls this at most once a minute per connection).
   */
  async touch(sessionId: string): Promise<void> {
    await AgentSessions.touch(this.db, sessionId, this.clock.now());
  }

  /** Deletes the session and tells every node to drop sockets opened with it. */
  async logout(token: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const session = await AgentSessions.deleteByToken(tx, sha256Hex(token));
      if (session) await sessionsRevoked(tx, [session]);
    });
  }

  /** Ends sessions past their lifetime or idle timeout, closing their open sockets. */
  async expireStale(): Promise<number> {
    const now = this.clock.now();
    const gone = await this.db.transaction(async (tx) => {
      const stale = await AgentSessions.deleteStale(tx, now, this.idleSince(now));
      await sessionsRevoked(tx, stale);
      return stale;
    });
    return gone.length;
  }

  get idleMs(): number {
    return this.settings.idleMs;
  }
}

/**
 * Inside the transaction that deleted them: `agent.session_revoked` for each session, which the
 * identity listener pushes to every node so the sockets opened with them close.
 */
export async function sessionsRevoked(tx: SqlExecutor, sessions: Pick<AgentSessionRow, 'id' | 'agent_id' | 'org_id'>[]): Promise<void> {
  for (const s of sessions) await emit(tx, s.org_id, 'agent.session_revoked', { agentId: s.agent_id, sessionId: s.id });
}

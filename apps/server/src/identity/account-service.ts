import type { PasswordLinkInfo, SessionView, TotpEnrolment } from '@visavis/protocol';
import type { AuditInput, AuditLog } from '../audit/index.js';
import { AppError } from '../platform/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { sha256Hex } from './tokens.js';
import { newTotpSecret, otpauthUri } from './totp.js';
import { AccountStore, AccountTokens, AgentSessions, type AccountRow, type AgentSessionRow } from './account-store.js';
import { OrgStore } from './org-store.js';
import { sessionsRevoked, type AuthService } from './auth-service.js';
import { assertPasswordRules } from './password-links.js';
import type { AgentPrincipal } from './principal.js';
import { checkTotp } from './second-factor.js';

const iso = (v: string | Date) => new Date(v).toISOString();

export function toSessionView(s: AgentSessionRow, currentId: string | null): SessionView {
  return {
    id: s.id, createdAt: iso(s.created_at), lastUsedAt: iso(s.last_used_at), expiresAt: iso(s.expires_at),
    userAgent: s.user_agent, ip: s.ip, current: s.id === currentId,
  };
}

/** The second factor is offered to the roles that can change other people's access or see everything. */
export function mayUseTotp(role: string): boolean {
  return role === 'admin' || role === 'supervisor';
}

/**
 * What an agent does with their own account: set a password from a one-time link, change it,
 * see and end their sessions, enrol and remove the TOTP second factor. Each change is audited in
 * its own transaction; sockets of ended sessions are closed after commit.
 */
export class AccountService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly issuer = 'Visavis',
  ) {}

  private idleSince(now: Date) {
    return new Date(now.getTime() - this.auth.idleMs);
  }

  private note(tx: SqlExecutor, agent: Pick<AccountRow, 'id' | 'org_id'>, action: string, details: AuditInput['details'] = {}) {
    return this.audit.append(
      { orgId: agent.org_id, actor: { kind: 'agent', id: agent.id }, action, target: { type: 'agent', id: agent.id }, details },
      tx,
    );
  }

  async inspectLink(token: string): Promise<PasswordLinkInfo> {
    const link = await AccountTokens.findUsable(this.db, sha256Hex(token), this.clock.now());
    const agent = link && (await AccountStore.byId(this.db, link.agent_id));
    if (!link || !agent?.active) throw new AppError('INVALID_TOKEN', 'This link is invalid, expired or already used.');
    const org = (await OrgStore.byId(this.db, agent.org_id))!;
    return { email: agent.email, name: agent.name, orgName: org.name, purpose: link.purpose, expiresAt: iso(link.expires_at) };
  }

  /** Consumes a one-time link: sets the password and ends every session the account had. */
  async setPasswordWithLink(token: string, password: string): Promise<{ email: string }> {
    const info = await this.inspectLink(token);
    assertPasswordRules(password, info.email);
    const hash = await hashPassword(password);
    const now = this.clock.now();
    const { email } = await this.db.transaction(async (tx) => {
      const link = await AccountTokens.findUsable(tx, sha256Hex(token), now, true);
      if (!link) throw new AppError('INVALID_TOKEN', 'This link is invalid, expired or already used.');
      const agent = await AccountStore.lockInOrg(tx, link.org_id, link.agent_id);
      if (!agent?.active) throw new AppError('INVALID_TOKEN', 'This link is invalid, expired or already used.');
      await AccountTokens.markUsed(tx, link.id, now);
      await AccountStore.setPasswordHash(tx, agent.id, hash);
      const ended = await AgentSessions.deleteForAgent(tx, agent.id);
      await sessionsRevoked(tx, ended);
      await this.note(tx, agent, 'account.password_set', { via: link.purpose });
      return { email: agent.email };
    });
    return { email };
  }

  /** Needs the current password; the other sessions end, this one stays. */
  async changePassword(p: AgentPrincipal, current: string, next: string): Promise<void> {
    const agent = (await AccountStore.byId(this.db, p.agentId))!;
    if (!agent.password_hash || !(await verifyPassword(current, agent.password_hash))) throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong.');
    assertPasswordRules(next, agent.email);
    const hash = await hashPassword(next);
    await this.db.transaction(async (tx) => {
      await AccountStore.setPasswordHash(tx, agent.id, hash);
      const gone = await AgentSessions.deleteForAgent(tx, agent.id, { except: p.sessionId });
      await sessionsRevoked(tx, gone);
      await this.note(tx, agent, 'account.password_changed', { sessionsEnded: gone.length });
    });
  }

  async sessions(p: AgentPrincipal): Promise<SessionView[]> {
    const now = this.clock.now();
    return (await AgentSessions.listForAgent(this.db, p.agentId, now, this.idleSince(now))).map((s) => toSessionView(s, p.sessionId));
  }

  async revokeSession(p: AgentPrincipal, sessionId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const ended = await AgentSessions.deleteForAgent(tx, p.agentId, { only: sessionId });
      if (ended.length === 0) throw new AppError('NOT_FOUND', 'No such session.');
      await sessionsRevoked(tx, ended);
    });
  }

  /** Starts enrolment: a pending secret that becomes active only once a code from it is confirmed. */
  async enrolTotp(p: AgentPrincipal): Promise<TotpEnrolment> {
    if (!mayUseTotp(p.role)) throw new AppError('FORBIDDEN', 'Two-factor sign-in is for admins and supervisors.');
    const agent = (await AccountStore.byId(this.db, p.agentId))!;
    if (agent.totp_secret) throw new AppError('INVALID_TRANSITION', 'Two-factor sign-in is already on; turn it off first.');
    const secret = newTotpSecret();
    await this.db.query('update agents set totp_pending_secret = $2 where id = $1', [agent.id, secret]);
    return { secret, uri: otpauthUri(secret, agent.email, this.issuer) };
  }

  async confirmTotp(p: AgentPrincipal, code: string): Promise<void> {
    const agent = (await AccountStore.byId(this.db, p.agentId))!;
    if (!agent.totp_pending_secret) throw new AppError('INVALID_TRANSITION', 'Start the set-up first.');
    const secret = agent.totp_pending_secret;
    // Failures and replay state are recorded even when the code is wrong, so no transaction around it.
    await checkTotp(this.db, agent, secret, code, this.clock.now());
    await this.db.transaction(async (tx) => {
      await tx.query('update agents set totp_secret = totp_pending_secret, totp_pending_secret = null where id = $1 and totp_pending_secret = $2', [agent.id, secret]);
      await this.note(tx, agent, 'account.totp_enabled');
    });
  }

  async disableTotp(p: AgentPrincipal, code: string): Promise<void> {
    const agent = (await AccountStore.byId(this.db, p.agentId))!;
    if (!agent.totp_secret) throw new AppError('INVALID_TRANSITION', 'Two-factor sign-in is not on.');
    await checkTotp(this.db, agent, agent.totp_secret, code, this.clock.now());
    await this.db.transaction(async (tx) => {
      await tx.query('update agents set totp_secret = null, totp_pending_secret = null where id = $1', [agent.id]);
      await this.note(tx, agent, 'account.totp_disabled');
    });
  }

  async totpStatus(p: AgentPrincipal): Promise<{ available: boolean; enabled: boolean }> {
    const agent = (await AccountStore.byId(this.db, p.agentId))!;
    return { available: mayUseTotp(agent.role), enabled: Boolean(agent.totp_secret) };
  }
}

import { z } from 'zod';
import { InviteAgentRequest, type AccountView, type PasswordLink, type Role, type SessionView } from '@visavis/protocol';
import { actorOf, type AuditInput, type AuditLog } from '../audit/index.js';
import { AppError } from '../platform/errors.js';
import { emit } from '../platform/events/domain-events.js';
import type { Clock } from '../ports/clock.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import { AccountStore, AccountTokens, AgentSessions, type AccountRow, type AgentSessionRow } from './account-store.js';
import { AgentStore } from './agent-store.js';
import { toSessionView } from './account-service.js';
import { sessionsRevoked, type AuthService } from './auth-service.js';
import { issuePasswordLink, type LinkSettings } from './password-links.js';
import type { AgentPrincipal } from './principal.js';

function requireAdmin(p: AgentPrincipal): void {
  if (p.role !== 'admin') throw new AppError('FORBIDDEN', 'Only admins manage accounts.');
}

type Invite = z.output<typeof InviteAgentRequest>;

/**
 * The admin side of the agent account lifecycle: invite (one-time link), password reset,
 * deactivate / reactivate, role change, sessions, TOTP reset. Every change is audited in its own
 * transaction, as that transaction's last statement. Whatever changes what a person may do ends
 * their sessions, and their open sockets are closed after commit on every node.
 */
export class AccountAdmin {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly links: LinkSettings,
  ) {}

  private note(tx: SqlExecutor, p: AgentPrincipal, action: string, agentId: string, details: AuditInput['details'] = {}) {
    return this.audit.append({ orgId: p.orgId, actor: actorOf(p), action, target: { type: 'agent', id: agentId }, details }, tx);
  }

  private async target(tx: SqlExecutor, p: AgentPrincipal, agentId: string): Promise<AccountRow> {
    const agent = await AccountStore.lockInOrg(tx, p.orgId, agentId);
    if (!agent) throw new AppError('NOT_FOUND', 'No such agent.');
    return agent;
  }

  /** Refuses a change that would leave the organisation without an active admin. */
  private async keepAnAdmin(tx: SqlExecutor, p: AgentPrincipal, agent: AccountRow): Promise<void> {
    if (agent.role !== 'admin' || !agent.active) return;
    const admins = await AccountStore.lockActiveAdminIds(tx, p.orgId);
    if (admins.length <= 1 && admins.includes(agent.id)) throw new AppError('LAST_ADMIN');
  }

  /** In the transaction: the ended sessions' sockets close, and every node hears this agent's access changed. */
  private async accessChanged(tx: SqlExecutor, p: AgentPrincipal, agentId: string, ended: AgentSessionRow[]): Promise<void> {
    await sessionsRevoked(tx, ended);
    await emit(tx, p.orgId, 'agent.access_changed', { agentId });
  }

  async list(p: AgentPrincipal): Promise<AccountView[]> {
    requireAdmin(p);
    const now = this.clock.now();
    const rows = await this.db.query<AccountRow>('select * from agents where org_id = $1 order by active desc, name, id', [p.orgId]);
    const counts = await AgentSessions.countByAgent(this.db, p.orgId, now, new Date(now.getTime() - this.auth.idleMs));
    return rows.map((a) => ({
      id: a.id, email: a.email, name: a.name, role: a.role, presence: a.presence, active: a.active,
      passwordSet: a.password_hash !== '', totpEnabled: Boolean(a.totp_secret), sessions: counts.get(a.id) ?? 0,
    }));
  }

  async invite(p: AgentPrincipal, input: Invite): Promise<{ agent: AccountView; link: PasswordLink }> {
    requireAdmin(p);
    const now = this.clock.now();
    const { agentId, link } = await this.db.transaction(async (tx) => {
      if (await AgentStore.byEmail(tx, input.email)) throw new AppError('EMAIL_IN_USE');
      const groups = [...new Set(input.groupIds)];
      const own = await tx.query<{ id: string }>('select id from skill_groups where org_id = $1 and id = any($2::uuid[])', [p.orgId, groups]);
      if (own.length !== groups.length) throw new AppError('NOT_FOUND', 'No such skill group.');
      // No password until the link is used: the empty hash verifies against nothing.
      const row = await AgentStore.create(tx, { orgId: p.orgId, email: input.email, name: input.name, role: input.role, passwordHash: '', capacity: input.capacity });
      for (const g of groups) await tx.query('insert into skill_group_members (org_id, group_id, agent_id) values ($1, $2, $3)', [p.orgId, g, row.id]);
      const link = await issuePasswordLink(tx, this.links, now, { orgId: p.orgId, agentId: row.id, purpose: 'invite' });
      await this.note(tx, p, 'account.invited', row.id, { email: row.email, name: row.name, role: row.role, capacity: row.capacity, groupIds: groups });
      return { agentId: row.id, link };
    });
    return { agent: (await this.list(p)).find((a) => a.id === agentId)!, link };
  }

  /** A new link; the old password stops working and every session ends (the account may be compromised). */
  async resetPassword(p: AgentPrincipal, agentId: string): Promise<PasswordLink> {
    requireAdmin(p);
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const agent = await this.target(tx, p, agentId);
      if (!agent.active) throw new AppError('ACCOUNT_DEACTIVATED', 'Reactivate the account first.');
      await AccountStore.setPasswordHash(tx, agent.id, '');
      const ended = await AgentSessions.deleteForAgent(tx, agent.id);
      const link = await issuePasswordLink(tx, this.links, now, { orgId: p.orgId, agentId: agent.id, purpose: agent.password_hash ? 'reset' : 'invite' });
      await this.note(tx, p, 'account.password_reset', agent.id, { sessionsEnded: ended.length });
      await this.accessChanged(tx, p, agent.id, ended);
      return link;
    });
  }

  /** Signs the agent out everywhere at once, sets them offline (no offers) and refuses their logins. */
  async deactivate(p: AgentPrincipal, agentId: string): Promise<void> {
    requireAdmin(p);
    await this.db.transaction(async (tx) => {
      const agent = await this.target(tx, p, agentId);
      if (!agent.active) return;
      await this.keepAnAdmin(tx, p, agent);
      await tx.query(`update agents set active = false, presence = 'offline' where id = $1`, [agent.id]);
      await AccountTokens.dropUnused(tx, agent.id);
      const gone = await AgentSessions.deleteForAgent(tx, agent.id);
      await this.note(tx, p, 'account.deactivated', agent.id, { sessionsEnded: gone.length });
      await emit(tx, p.orgId, 'agent.presence_changed', { agentId: agent.id, presence: 'offline' });
      await this.accessChanged(tx, p, agent.id, gone);
    });
  }

  async reactivate(p: AgentPrincipal, agentId: string): Promise<void> {
    requireAdmin(p);
    await this.db.transaction(async (tx) => {
      const agent = await this.target(tx, p, agentId);
      if (agent.active) return;
      await tx.query('update agents set active = true where id = $1', [agent.id]);
      await this.note(tx, p, 'account.reactivated', agent.id);
    });
  }

  /** The new role applies from the next sign-in: every session ends now. */
  async setRole(p: AgentPrincipal, agentId: string, role: Role): Promise<void> {
    requireAdmin(p);
    await this.db.transaction(async (tx) => {
      const agent = await this.target(tx, p, agentId);
      if (agent.role === role) return;
      if (role !== 'admin') await this.keepAnAdmin(tx, p, agent);
      // Agents have no second factor: one set up as supervisor or admin goes with the role.
      const keepTotp = role === 'admin' || role === 'supervisor';
      await tx.query(
        `update agents set role = $2, totp_secret = case when $3 then totp_secret end, totp_pending_secret = case when $3 then totp_pending_secret end where id = $1`,
        [agent.id, role, keepTotp],
      );
      const gone = await AgentSessions.deleteForAgent(tx, agent.id);
      await this.note(tx, p, 'account.role_changed', agent.id, { from: agent.role, to: role, sessionsEnded: gone.length });
      await this.accessChanged(tx, p, agent.id, gone);
    });
  }

  async sessions(p: AgentPrincipal, agentId: string): Promise<SessionView[]> {
    requireAdmin(p);
    const agent = await AccountStore.byId(this.db, agentId);
    if (!agent || agent.org_id !== p.orgId) throw new AppError('NOT_FOUND', 'No such agent.');
    const now = this.clock.now();
    const rows = await AgentSessions.listForAgent(this.db, agentId, now, new Date(now.getTime() - this.auth.idleMs));
    return rows.map((s) => toSessionView(s, p.sessionId));
  }

  /** Ends one session of the agent, or all of them. */
  async revokeSessions(p: AgentPrincipal, agentId: string, sessionId: string | null): Promise<number> {
    requireAdmin(p);
    const ended = await this.db.transaction(async (tx) => {
      const agent = await this.target(tx, p, agentId);
      const gone = await AgentSessions.deleteForAgent(tx, agent.id, sessionId ? { only: sessionId } : {});
      if (sessionId && gone.length === 0) throw new AppError('NOT_FOUND', 'No such session.');
      await this.note(tx, p, 'account.sessions_revoked', agent.id, { sessionId, sessionsEnded: gone.length });
      await sessionsRevoked(tx, gone);
      return gone;
    });
    return ended.length;
  }

  /** For a lost phone: the second factor is removed and the person signs in with the password alone. */
  async resetTotp(p: AgentPrincipal, agentId: string): Promise<void> {
    requireAdmin(p);
    await this.db.transaction(async (tx) => {
      const agent = await this.target(tx, p, agentId);
      await tx.query('update agents set totp_secret = null, totp_pending_secret = null, totp_failures = 0, totp_locked_until = null where id = $1', [agent.id]);
      await this.note(tx, p, 'account.totp_reset', agent.id, { wasEnabled: Boolean(agent.totp_secret) });
    });
  }
}

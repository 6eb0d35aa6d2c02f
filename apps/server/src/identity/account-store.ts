import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../ports/database.js';
import type { AgentRow } from './agent-store.js';

/** The agent row with the account-lifecycle columns of migration 009. */
export interface AccountRow extends AgentRow {
  active: boolean;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: string | number | null;
  totp_failures: number;
  totp_locked_until: string | Date | null;
}

export interface AgentSessionRow {
  id: string;
  agent_id: string;
  org_id: string;
  created_at: string | Date;
  last_used_at: string | Date;
  expires_at: string | Date;
  user_agent: string | null;
  ip: string | null;
}

const SESSION_COLUMNS = 'id, agent_id, org_id, created_at, last_used_at, expires_at, user_agent, ip';

export const AccountStore = {
  async byEmail(db: SqlExecutor, email: string): Promise<AccountRow | undefined> {
    return (await db.query<AccountRow>('select * from agents where email = $1', [email.toLowerCase()]))[0];
  },
  async byId(db: SqlExecutor, id: string): Promise<AccountRow | undefined> {
    return (await db.query<AccountRow>('select * from agents where id = $1', [id]))[0];
  },
  /** The agent of the organisation, row-locked for the rest of the transaction. */
  async lockInOrg(db: SqlExecutor, orgId: string, id: string): Promise<AccountRow | undefined> {
    return (await db.query<AccountRow>('select * from agents where id = $1 and org_id = $2 for update', [id, orgId]))[0];
  },
  /** Locks every active admin of the organisation, so two demotions cannot both pass the last-admin check. */
  async lockActiveAdminIds(db: SqlExecutor, orgId: string): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `select id from agents where org_id = $1 and role = 'admin' and active order by id for update`,
      [orgId],
    );
    return rows.map((r) => r.id);
  },
  async setPasswordHash(db: SqlExecutor, id: string, hash: string): Promise<void> {
    await db.query('update agents set password_hash = $2 where id = $1', [id, hash]);
  },
};

export const AgentSessions = {
  async create(
    db: SqlExecutor,
    s: { tokenHash: string; agentId: string; orgId: string; now: Date; expiresAt: Date; userAgent: string | null; ip: string | null },
  ): Promise<AgentSessionRow> {
    const [row] = await db.query<AgentSessionRow>(
      `insert into agent_sessions (id, token_hash, agent_id, org_id, created_at, last_used_at, expires_at, user_agent, ip)
       values ($1, $2, $3, $4, $5, $5, $6, $7, $8) returning ${SESSION_COLUMNS}`,
      [randomUUID(), s.tokenHash, s.agentId, s.orgId, s.now.toISOString(), s.expiresAt.toISOString(), s.userAgent, s.ip],
    );
    return row!;
  },
  /** A live session (not expired, not idle since `idleSince`) of an active agent, with what a principal needs. */
  async findLive(
    db: SqlExecutor,
    tokenHash: string,
    now: Date,
    idleSince: Date,
  ): Promise<(AgentSessionRow & { name: string; role: AgentRow['role'] }) | undefined> {
    return (
      await db.query<AgentSessionRow & { name: string; role: AgentRow['role'] }>(
        `select s.id, s.agent_id, s.org_id, s.created_at, s.last_used_at, s.expires_at, s.user_agent, s.ip, a.name, a.role
         from agent_sessions s join agents a on a.id = s.agent_id
         where s.token_hash = $1 and s.expires_at > $2 and s.last_used_at > $3 and a.active`,
        [tokenHash, now.toISOString(), idleSince.toISOString()],
      )
    )[0];
  },
  async touch(db: SqlExecutor, id: string, now: Date): Promise<void> {
    await db.query('update agent_sessions set last_used_at = $2 where id = $1 and last_used_at < $2', [id, now.toISOString()]);
  },
  async listForAgent(db: SqlExecutor, agentId: string, now: Date, idleSince: Date): Promise<AgentSessionRow[]> {
    return db.query<AgentSessionRow>(
      `select ${SESSION_COLUMNS} from agent_sessions
       where agent_id = $1 and expires_at > $2 and last_used_at > $3 order by last_used_at desc`,
      [agentId, now.toISOString(), idleSince.toISOString()],
    );
  },
  async deleteByToken(db: SqlExecutor, tokenHash: string): Promise<AgentSessionRow | undefined> {
    return (await db.query<AgentSessionRow>(`delete from agent_sessions where token_hash = $1 returning ${SESSION_COLUMNS}`, [tokenHash]))[0];
  },
  /** Deletes the agent's sessions (all, or all but one) and answers them, to close their sockets. */
  async deleteForAgent(db: SqlExecutor, agentId: string, opts: { only?: string; except?: string } = {}): Promise<AgentSessionRow[]> {
    return db.query<AgentSessionRow>(
      `delete from agent_sessions where agent_id = $1
         and ($2::uuid is null or id = $2::uuid) and ($3::uuid is null or id <> $3::uuid)
       returning ${SESSION_COLUMNS}`,
      [agentId, opts.only ?? null, opts.except ?? null],
    );
  },
  /** Sessions past their lifetime or idle for too long. */
  async deleteStale(db: SqlExecutor, now: Date, idleSince: Date): Promise<AgentSessionRow[]> {
    return db.query<AgentSessionRow>(
      `delete from agent_sessions where expires_at <= $1 or last_used_at <= $2 returning ${SESSION_COLUMNS}`,
      [now.toISOString(), idleSince.toISOString()],
    );
  },
  async countByAgent(db: SqlExecutor, orgId: string, now: Date, idleSince: Date): Promise<Map<string, number>> {
    const rows = await db.query<{ agent_id: string; n: number }>(
      `select agent_id, count(*)::int as n from agent_sessions
       where org_id = $1 and expires_at > $2 and last_used_at > $3 group by agent_id`,
      [orgId, now.toISOString(), idleSince.toISOString()],
    );
    return new Map(rows.map((r) => [r.agent_id, r.n]));
  },
};

export type LinkPurpose = 'invite' | 'reset';

export interface AccountTokenRow {
  id: string;
  org_id: string;
  agent_id: string;
  purpose: LinkPurpose;
  expires_at: string | Date;
}

export const AccountTokens = {
  /** A new link for the agent; any earlier unused link of theirs stops working. */
  async replace(db: SqlExecutor, t: { tokenHash: string; orgId: string; agentId: string; purpose: LinkPurpose; expiresAt: Date }): Promise<void> {
    await db.query('delete from account_tokens where agent_id = $1 and used_at is null', [t.agentId]);
    await db.query(
      `insert into account_tokens (id, token_hash, org_id, agent_id, purpose, expires_at) values ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), t.tokenHash, t.orgId, t.agentId, t.purpose, t.expiresAt.toISOString()],
    );
  },
  async findUsable(db: SqlExecutor, tokenHash: string, now: Date, lock = false): Promise<AccountTokenRow | undefined> {
    return (
      await db.query<AccountTokenRow>(
        `select id, org_id, agent_id, purpose, expires_at from account_tokens
         where token_hash = $1 and used_at is null and expires_at > $2${lock ? ' for update' : ''}`,
        [tokenHash, now.toISOString()],
      )
    )[0];
  },
  async markUsed(db: SqlExecutor, id: string, now: Date): Promise<void> {
    await db.query('update account_tokens set used_at = $2 where id = $1', [id, now.toISOString()]);
  },
  async dropUnused(db: SqlExecutor, agentId: string): Promise<void> {
    await db.query('delete from account_tokens where agent_id = $1 and used_at is null', [agentId]);
  },
};

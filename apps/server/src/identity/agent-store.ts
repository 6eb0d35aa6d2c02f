import { randomUUID } from 'node:crypto';
import type { AgentProfile, Presence, Role } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';

export interface AgentRow {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  presence: Presence;
  capacity: number;
  load: number;
  auto_accept: boolean;
  last_assigned_at: string | null;
}

export function toAgentProfile(a: AgentRow): AgentProfile {
  return { id: a.id, email: a.email, name: a.name, role: a.role, presence: a.presence, capacity: a.capacity };
}

export const AgentStore = {
  async create(
    db: SqlExecutor,
    a: { orgId: string; email: string; name: string; role: Role; passwordHash: string; capacity?: number },
  ): Promise<AgentRow> {
    const [row] = await db.query<AgentRow>(
      `insert into agents (id, org_id, email, name, role, password_hash, capacity)
       values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [randomUUID(), a.orgId, a.email.toLowerCase(), a.name, a.role, a.passwordHash, a.capacity ?? 5],
    );
    return row!;
  },
  async byEmail(db: SqlExecutor, email: string): Promise<AgentRow | undefined> {
    return (await db.query<AgentRow>('select * from agents where email = $1', [email.toLowerCase()]))[0];
  },
  async byId(db: SqlExecutor, id: string): Promise<AgentRow | undefined> {
    return (await db.query<AgentRow>('select * from agents where id = $1', [id]))[0];
  },
  /** The id if it names an agent of the organisation; any string is accepted (compared as text). */
  async idInOrg(db: SqlExecutor, orgId: string, id: string): Promise<string | null> {
    const [a] = await db.query<{ id: string }>('select id from agents where id::text = $1 and org_id = $2', [id, orgId]);
    return a?.id ?? null;
  },
  async count(db: SqlExecutor): Promise<number> {
    return (await db.query<{ n: number }>('select count(*)::int as n from agents'))[0]!.n;
  },
  async setPresence(db: SqlExecutor, id: string, presence: Presence): Promise<AgentRow | undefined> {
    // Coming back resets the missed-offer count that may have set them away.
    return (
      await db.query<AgentRow>(
        `update agents set presence = $2, missed_offers = case when $2 = 'online' then 0 else missed_offers end
         where id = $1 returning *`,
        [id, presence],
      )
    )[0];
  },
};

export interface SessionRow {
  id: string;
  agent_id: string;
  org_id: string;
  expires_at: string;
}

export const SessionStore = {
  async create(db: SqlExecutor, s: { tokenHash: string; agentId: string; orgId: string; expiresAt: Date }) {
    const [row] = await db.query<SessionRow>(
      `insert into agent_sessions (id, token_hash, agent_id, org_id, expires_at)
       values ($1, $2, $3, $4, $5) returning id, agent_id, org_id, expires_at`,
      [randomUUID(), s.tokenHash, s.agentId, s.orgId, s.expiresAt.toISOString()],
    );
    return row!;
  },
  async find(db: SqlExecutor, tokenHash: string, now: Date): Promise<SessionRow | undefined> {
    return (
      await db.query<SessionRow>(
        'select id, agent_id, org_id, expires_at from agent_sessions where token_hash = $1 and expires_at > $2',
        [tokenHash, now.toISOString()],
      )
    )[0];
  },
  async delete(db: SqlExecutor, tokenHash: string): Promise<SessionRow | undefined> {
    return (
      await db.query<SessionRow>(
        'delete from agent_sessions where token_hash = $1 returning id, agent_id, org_id, expires_at',
        [tokenHash],
      )
    )[0];
  },
};

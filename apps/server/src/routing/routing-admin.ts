import { randomUUID } from 'node:crypto';
import type { AgentStateView, Presence, Role, RoutingConfig, SkillGroup, SkillGroupInput } from '@visavis/protocol';
import { hashPassword, AgentStore, toAgentProfile, type AgentPrincipal } from '../identity/index.js';
import { AppError } from '../platform/errors.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import { actorOf, type AuditLog, type JsonValue } from '../audit/index.js';
import { Commands } from '../platform/outbox/commands.js';
import { emit } from '../platform/events/domain-events.js';
import { RoutingConfigs } from './routing-configs.js';

interface GroupRow {
  id: string;
  name: string;
  hours: SkillGroupInput['hours'];
  overflow_after_ms: number | null;
  overflow_group_id: string | null;
  member_ids: string[] | null;
}

const toGroup = (r: GroupRow): SkillGroup => ({
  id: r.id,
  name: r.name,
  hours: r.hours,
  overflowAfterMs: r.overflow_after_ms,
  overflowGroupId: r.overflow_group_id,
  memberIds: r.member_ids ?? [],
});

function requireAdmin(p: AgentPrincipal): void {
  if (p.role !== 'admin') throw new AppError('FORBIDDEN', 'Only admins change routing.');
}

function requireSupervisor(p: AgentPrincipal): void {
  if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
}

type Change = (tx: SqlExecutor) => Promise<void>;

/** What one change says in the audit log (the same transaction as the change). */
interface AuditNote {
  action: string;
  target: { type: string; id: string | null };
  details: unknown;
}

/**
 * Admin side of routing: skill groups and membership, agent capacity and auto-accept, the routing
 * configuration, and visitor facts set from the business's backend. Every change that can give
 * an agent room or a conversation a new target asks routing to run again.
 */
export class RoutingAdmin {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    /**
     * After a change commits: routing's view on this node follows at once (an agent's capacity or
     * groups when `agentId` is given, else the organisation's groups and configs).
     */
    private readonly onChanged: (orgId: string, agentId: string | null) => void = () => {},
  ) {}

  async groups(p: AgentPrincipal): Promise<SkillGroup[]> {
    const rows = await this.db.query<GroupRow>(
      `select g.*, (select array_agg(m.agent_id::text order by m.agent_id) from skill_group_members m where m.group_id = g.id) as member_ids
       from skill_groups g where g.org_id = $1 order by g.name`,
      [p.orgId],
    );
    return rows.map(toGroup);
  }

  async saveGroup(p: AgentPrincipal, id: string | null, input: SkillGroupInput, memberIds?: string[]): Promise<SkillGroup> {
    requireAdmin(p);
    const groupId = id ?? randomUUID();
    const note: AuditNote = { action: id ? 'routing.group_updated' : 'routing.group_created', target: { type: 'skill_group', id: groupId }, details: { input, memberIds: memberIds ?? null } };
    await this.changed(p, note, async (tx) => {
      if (input.overflowGroupId) {
        if (input.overflowGroupId === groupId) throw new AppError('VALIDATION_FAILED', 'A group cannot overflow into itself.');
        await this.ownGroup(tx, p.orgId, input.overflowGroupId);
      }
      const params = [groupId, p.orgId, input.name, input.hours ? JSON.stringify(input.hours) : null, input.overflowAfterMs, input.overflowGroupId];
      const rows = id
        ? await tx.query('update skill_groups set name = $3, hours = $4, overflow_after_ms = $5, overflow_group_id = $6 where id = $1 and org_id = $2 returning id', params)
        : await tx.query('insert into skill_groups (id, org_id, name, hours, overflow_after_ms, overflow_group_id) values ($1, $2, $3, $4, $5, $6) on conflict (org_id, name) do nothing returning id', params);
      if (rows.length === 0) throw id ? new AppError('NOT_FOUND', 'No such skill group.') : new AppError('VALIDATION_FAILED', 'A group with that name exists.');
      if (memberIds) await this.setMembers(tx, p.orgId, groupId, memberIds);
    });
    return (await this.groups(p)).find((g) => g.id === groupId)!;
  }

  async deleteGroup(p: AgentPrincipal, id: string): Promise<void> {
    requireAdmin(p);
    await this.changed(p, { action: 'routing.group_deleted', target: { type: 'skill_group', id }, details: {} }, async (tx) => {
      await this.ownGroup(tx, p.orgId, id);
      // Conversations waiting for this group go back to the organisation-wide queue.
      await tx.query('update conversations set group_id = null where group_id = $1', [id]);
      await tx.query('delete from skill_groups where id = $1', [id]);
    });
  }

  async updateAgent(p: AgentPrincipal, agentId: string, input: { capacity?: number | undefined; autoAccept?: boolean | undefined; groupIds?: string[] | undefined }) {
    requireAdmin(p);
    // Its agent.capacity_released routes what this agent can serve: no whole-queue drain.
    const note: AuditNote = { action: 'routing.agent_updated', target: { type: 'agent', id: agentId }, details: input };
    await this.changed(p, note, { agentId }, async (tx) => {
      const [a] = await tx.query<{ load: number }>('select load from agents where id::text = $1 and org_id = $2 for update', [agentId, p.orgId]);
      if (!a) throw new AppError('NOT_FOUND', 'No such agent.');
      if (input.capacity !== undefined) {
        // Lowering below the current load is allowed to take effect as conversations end.
        await tx.query('update agents set capacity = greatest($2, load) where id = $1', [agentId, input.capacity]);
      }
      if (input.autoAccept !== undefined) await tx.query('update agents set auto_accept = $2 where id = $1', [agentId, input.autoAccept]);
      if (input.groupIds) {
        for (const g of input.groupIds) await this.ownGroup(tx, p.orgId, g);
        await tx.query('delete from skill_group_members where agent_id = $1', [agentId]);
        for (const g of new Set(input.groupIds)) {
          await tx.query('insert into skill_group_members (org_id, group_id, agent_id) values ($1, $2, $3)', [p.orgId, g, agentId]);
        }
      }
      await emit(tx, p.orgId, 'agent.capacity_released', { agentId, availableAt: new Date().toISOString() });
    });
  }

  /** Adds an agent, supervisor or admin to the organisation. */
  async createAgent(p: AgentPrincipal, a: { email: string; name: string; role: Role; password: string; capacity: number }) {
    requireAdmin(p);
    const passwordHash = await hashPassword(a.password);
    if (await AgentStore.byEmail(this.db, a.email)) throw new AppError('VALIDATION_FAILED', 'That email is already in use.');
    const row = await this.db.transaction(async (tx) => {
      const created = await AgentStore.create(tx, { orgId: p.orgId, email: a.email, name: a.name, role: a.role, passwordHash, capacity: a.capacity });
      // Never the password.
      const { email, name, role, capacity } = a;
      await this.record(tx, p, { action: 'routing.agent_created', target: { type: 'agent', id: created.id }, details: { email, name, role, capacity } });
      return created;
    });
    return toAgentProfile(row);
  }

  async agents(p: AgentPrincipal): Promise<AgentStateView[]> {
    requireSupervisor(p);
    const rows = await this.db.query<{
      id: string; name: string; email: string; role: Role; presence: Presence; capacity: number; load: number;
      auto_accept: boolean; wrap_up_until: string | Date | null; missed_offers: number; group_ids: string[] | null; active: number;
    }>(
      `select a.id, a.name, a.email, a.role, a.presence, a.capacity, a.load, a.auto_accept, a.wrap_up_until, a.missed_offers,
              (select array_agg(m.group_id::text) from skill_group_members m where m.agent_id = a.id) as group_ids,
              (select count(*)::int from conversations c where c.agent_id = a.id and c.status = 'assigned') as active
       from agents a where a.org_id = $1 order by a.name`,
      [p.orgId],
    );
    return rows.map((r) => ({
      id: r.id, name: r.name, email: r.email, role: r.role, presence: r.presence, capacity: r.capacity, load: r.load,
      autoAccept: r.auto_accept, wrapUpUntil: r.wrap_up_until === null ? null : new Date(r.wrap_up_until).toISOString(), missedOffers: r.missed_offers, groupIds: r.group_ids ?? [],
      activeConversations: r.active,
    }));
  }

  async config(p: AgentPrincipal, entryPoint: string | null): Promise<RoutingConfig> {
    requireSupervisor(p);
    return RoutingConfigs.get(this.db, p.orgId, entryPoint);
  }

  async saveConfig(p: AgentPrincipal, entryPoint: string | null, config: RoutingConfig): Promise<void> {
    requireAdmin(p);
    await this.changed(p, { action: 'routing.config_saved', target: { type: 'routing_config', id: entryPoint ?? '' }, details: { config } }, async (tx) => {
      for (const step of config.policy.chain) {
        if (step.kind === 'vip' && step.vipGroupId) await this.ownGroup(tx, p.orgId, step.vipGroupId);
        if (step.kind === 'skill-rules') {
          for (const r of step.rules) await this.ownGroup(tx, p.orgId, r.groupId);
          if (step.defaultGroupId) await this.ownGroup(tx, p.orgId, step.defaultGroupId);
        }
      }
      await RoutingConfigs.put(tx, p.orgId, entryPoint, config);
    });
  }

  /** For the business's backend (and admins): VIP, tags and attributes of a visitor. */
  async setVisitorFacts(p: AgentPrincipal, visitorId: string, facts: { vip?: boolean | undefined; tags?: string[] | undefined; attributes?: Record<string, string | number | boolean> | undefined }) {
    requireSupervisor(p);
    await this.changed(p, { action: 'routing.visitor_facts_set', target: { type: 'visitor', id: visitorId }, details: facts }, async (tx) => {
      const rows = await tx.query(
        `update visitors set vip = coalesce($3, vip), tags = coalesce($4, tags), attributes = coalesce($5, attributes)
         where id::text = $1 and org_id = $2 returning id`,
        [visitorId, p.orgId, facts.vip ?? null, facts.tags ? JSON.stringify(facts.tags) : null, facts.attributes ? JSON.stringify(facts.attributes) : null],
      );
      if (rows.length === 0) throw new AppError('NOT_FOUND', 'No such visitor.');
      // Their waiting conversation moves in the queue at once.
      if (facts.vip !== undefined) {
        await tx.query(`update conversations set vip = $2 where visitor_id = $1 and status = 'queued'`, [visitorId, facts.vip]);
      }
    });
  }

  private async setMembers(tx: SqlExecutor, orgId: string, groupId: string, memberIds: string[]): Promise<void> {
    const ids = [...new Set(memberIds)];
    const own = await tx.query<{ id: string }>('select id from agents where org_id = $1 and id::text = any($2::text[])', [orgId, ids]);
    if (own.length !== ids.length) throw new AppError('NOT_FOUND', 'No such agent.');
    await tx.query('delete from skill_group_members where group_id = $1', [groupId]);
    for (const a of ids) await tx.query('insert into skill_group_members (org_id, group_id, agent_id) values ($1, $2, $3)', [orgId, groupId, a]);
  }

  private async ownGroup(tx: SqlExecutor, orgId: string, id: string): Promise<void> {
    const rows = await tx.query('select 1 from skill_groups where id::text = $1 and org_id = $2', [id, orgId]);
    if (rows.length === 0) throw new AppError('NOT_FOUND', 'No such skill group.');
  }

  /**
   * Runs a change, audits it and asks routing to run again (groups, capacity or rules moved), all
   * in one transaction: the audit entry exists exactly when the change does. A change to `one`
   * agent leaves the drain to the event it emits.
   */
  private async changed(p: AgentPrincipal, note: AuditNote, ...args: [fn: Change] | [one: { agentId: string }, fn: Change]): Promise<void> {
    const [one, fn] = args.length === 1 ? [null, args[0]] : args;
    await this.db.transaction(async (tx) => {
      await fn(tx);
      if (!one) await Commands.send(tx, p.orgId, 'routing.drain', { orgId: p.orgId });
      // Last: the audit head stays locked until the transaction ends.
      await this.record(tx, p, note);
    });
    this.onChanged(p.orgId, one?.agentId ?? null);
  }

  private async record(tx: SqlExecutor, p: AgentPrincipal, note: AuditNote): Promise<void> {
    const details = JSON.parse(JSON.stringify(note.details ?? {})) as JsonValue;
    await this.audit.append({ orgId: p.orgId, actor: actorOf(p), action: note.action, target: note.target, details }, tx);
  }
}

import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import type { EventBus } from '../ports/event-bus.js';
import { RoutingAdmin } from '../routing/routing-admin.js';
import { AuthService, type AuthSettings } from '../services/auth-service.js';
import type { AgentPrincipal } from '../services/principal.js';
import { actorOf, type AuditInput, type AuditLog } from './audit-log.js';
import type { JsonValue } from './canonical.js';

/**
 * Audit for use cases that live elsewhere, added by subclassing in the composition root so that
 * those modules need no change. The entry is appended after the use case committed (its
 * transaction is not reachable from here): a crash in between loses the entry, and a failing
 * append is reported, not turned into a failed request for a change that already happened.
 */
async function record(audit: AuditLog, onError: (e: unknown) => void, input: AuditInput): Promise<void> {
  await audit.append(input).catch(onError);
}

/** Successful agent logins. Failed ones are not recorded: looking up the account's organisation
 * only on failure would make response times reveal which emails exist. */
export class AuditedAuthService extends AuthService {
  constructor(
    db: Database, bus: EventBus, clock: Clock, private readonly audit: AuditLog, private readonly onError: (e: unknown) => void,
    settings?: AuthSettings,
  ) {
    super(db, bus, clock, settings);
  }

  override async login(...args: Parameters<AuthService['login']>): ReturnType<AuthService['login']> {
    const result = await super.login(...args);
    await record(this.audit, this.onError, {
      orgId: result.agent.org_id, actor: { kind: 'agent', id: result.agent.id }, action: 'agent.login',
      target: { type: 'agent', id: result.agent.id }, details: { sessionExpiresAt: result.expiresAt.toISOString() },
    });
    return result;
  }
}

/** Routing administration: who changed groups, agents, the routing configuration, visitor facts. */
export class AuditedRoutingAdmin extends RoutingAdmin {
  constructor(db: Database, kick: () => void, private readonly audit: AuditLog, private readonly onError: (e: unknown) => void) {
    super(db, kick);
  }

  private note(p: AgentPrincipal, action: string, target: { type: string; id: string | null }, details: unknown) {
    return record(this.audit, this.onError, { orgId: p.orgId, actor: actorOf(p), action, target, details: JSON.parse(JSON.stringify(details ?? {})) as JsonValue });
  }

  override async saveGroup(...args: Parameters<RoutingAdmin['saveGroup']>): ReturnType<RoutingAdmin['saveGroup']> {
    const group = await super.saveGroup(...args);
    await this.note(args[0], args[1] ? 'routing.group_updated' : 'routing.group_created', { type: 'skill_group', id: group.id }, { input: args[2], memberIds: args[3] ?? null });
    return group;
  }

  override async deleteGroup(...args: Parameters<RoutingAdmin['deleteGroup']>): ReturnType<RoutingAdmin['deleteGroup']> {
    await super.deleteGroup(...args);
    await this.note(args[0], 'routing.group_deleted', { type: 'skill_group', id: args[1] }, {});
  }

  override async updateAgent(...args: Parameters<RoutingAdmin['updateAgent']>): ReturnType<RoutingAdmin['updateAgent']> {
    await super.updateAgent(...args);
    await this.note(args[0], 'routing.agent_updated', { type: 'agent', id: args[1] }, args[2]);
  }

  override async createAgent(...args: Parameters<RoutingAdmin['createAgent']>): ReturnType<RoutingAdmin['createAgent']> {
    const agent = await super.createAgent(...args);
    // Never the password.
    const { email, name, role, capacity } = args[1];
    await this.note(args[0], 'routing.agent_created', { type: 'agent', id: agent.id }, { email, name, role, capacity });
    return agent;
  }

  override async saveConfig(...args: Parameters<RoutingAdmin['saveConfig']>): ReturnType<RoutingAdmin['saveConfig']> {
    await super.saveConfig(...args);
    await this.note(args[0], 'routing.config_saved', { type: 'routing_config', id: args[1] ?? '' }, { config: args[2] });
  }

  override async setVisitorFacts(...args: Parameters<RoutingAdmin['setVisitorFacts']>): ReturnType<RoutingAdmin['setVisitorFacts']> {
    await super.setVisitorFacts(...args);
    await this.note(args[0], 'routing.visitor_facts_set', { type: 'visitor', id: args[1] }, args[2]);
  }
}

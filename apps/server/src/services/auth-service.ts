import { AppError } from '../errors.js';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../security/passwords.js';
import { randomToken, sha256Hex } from '../security/tokens.js';
import { AgentStore, SessionStore, type AgentRow } from '../stores/agent-store.js';
import type { AgentPrincipal } from './principal.js';

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Agent login with opaque session tokens; only their SHA-256 is stored. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; agent: AgentRow; expiresAt: Date }> {
    const agent = await AgentStore.byEmail(this.db, email);
    // Verify against a dummy hash for unknown emails so response time does not reveal accounts.
    const ok = await verifyPassword(password, agent?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!agent || !ok) throw new AppError('INVALID_CREDENTIALS');
    const token = randomToken();
    const expiresAt = new Date(this.clock.now().getTime() + SESSION_TTL_MS);
    await SessionStore.create(this.db, { tokenHash: sha256Hex(token), agentId: agent.id, orgId: agent.org_id, expiresAt });
    return { token, agent, expiresAt };
  }

  async authenticate(token: string | undefined): Promise<AgentPrincipal | null> {
    if (!token) return null;
    const session = await SessionStore.find(this.db, sha256Hex(token), this.clock.now());
    if (!session) return null;
    const agent = await AgentStore.byId(this.db, session.agent_id);
    if (!agent) return null;
    return { kind: 'agent', orgId: agent.org_id, agentId: agent.id, role: agent.role, name: agent.name, sessionId: session.id };
  }

  /** Deletes the session and tells every node to drop sockets opened with it. */
  async logout(token: string): Promise<void> {
    const session = await SessionStore.delete(this.db, sha256Hex(token));
    if (session) await this.bus.publish('session.revoked', { agentId: session.agent_id, sessionId: session.id });
  }
}

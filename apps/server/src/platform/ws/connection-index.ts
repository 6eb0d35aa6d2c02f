import { isSupervisor } from '../../identity/index.js';
import type { ClientConnection } from './client-connection.js';

const NONE: ReadonlySet<never> = new Set();

/**
 * Key → the values filed under it. A key whose last value goes is deleted at once, so the index
 * holds only what is live and its size falls back to 0 when everything has left.
 */
export class MultiIndex<K, V> {
  private readonly map = new Map<K, Set<V>>();

  add(key: K, value: V): void {
    const set = this.map.get(key);
    if (set) set.add(value);
    else this.map.set(key, new Set([value]));
  }

  delete(key: K, value: V): void {
    const set = this.map.get(key);
    if (set?.delete(value) && set.size === 0) this.map.delete(key);
  }

  /** What is filed under `key` (live: copy it before changing the index while iterating). */
  get(key: K): ReadonlySet<V> {
    return this.map.get(key) ?? NONE;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  /** Keys held. */
  get size(): number {
    return this.map.size;
  }
}

/**
 * This node's connections by who they belong to, so a push addressed to an agent, a visitor, a
 * session or an organisation's agents looks only at those sockets. A connection's principal (role
 * included) is fixed when it authenticates; a role change closes the socket (`agent.access_changed`)
 * and the reconnect is indexed anew, so `add` and `remove` are the only updates there are.
 */
export class ConnectionIndex {
  private readonly conns = new Set<ClientConnection>();
  private readonly agents = new MultiIndex<string, ClientConnection>();
  private readonly visitors = new MultiIndex<string, ClientConnection>();
  // Agent and visitor sessions are separate namespaces: a revocation names which kind it ends.
  private readonly agentSessions = new MultiIndex<string, ClientConnection>();
  private readonly visitorSessions = new MultiIndex<string, ClientConnection>();
  private readonly orgAgents = new MultiIndex<string, ClientConnection>();
  private readonly orgSupervisors = new MultiIndex<string, ClientConnection>();

  add(c: ClientConnection): void {
    this.conns.add(c);
    this.file(c, 'add');
  }

  /** Takes the connection out of every index; removing one not held (or twice) changes nothing. */
  remove(c: ClientConnection): void {
    if (this.conns.delete(c)) this.file(c, 'delete');
  }

  private file(c: ClientConnection, op: 'add' | 'delete'): void {
    const p = c.principal;
    if (p.kind === 'visitor') {
      this.visitors[op](p.visitorId, c);
      this.visitorSessions[op](p.sessionId, c);
      return;
    }
    this.agents[op](p.agentId, c);
    this.agentSessions[op](p.sessionId, c);
    this.orgAgents[op](p.orgId, c);
    if (isSupervisor(p)) this.orgSupervisors[op](p.orgId, c);
  }

  get all(): ReadonlySet<ClientConnection> {
    return this.conns;
  }

  /** The agent's connections, whatever its organisation (callers that need one check it). */
  agent(agentId: string): ReadonlySet<ClientConnection> {
    return this.agents.get(agentId);
  }

  visitor(visitorId: string): ReadonlySet<ClientConnection> {
    return this.visitors.get(visitorId);
  }

  agentSession(sessionId: string): ReadonlySet<ClientConnection> {
    return this.agentSessions.get(sessionId);
  }

  visitorSession(sessionId: string): ReadonlySet<ClientConnection> {
    return this.visitorSessions.get(sessionId);
  }

  /** Every agent connection of the organisation, supervisors and admins included. */
  agentsOf(orgId: string): ReadonlySet<ClientConnection> {
    return this.orgAgents.get(orgId);
  }

  /** Agent connections of the organisation whose role sees all of it (supervisor, admin). */
  supervisorsOf(orgId: string): ReadonlySet<ClientConnection> {
    return this.orgSupervisors.get(orgId);
  }

  visitorIds(): IterableIterator<string> {
    return this.visitors.keys();
  }

  /** Keys held per index: all 0 once every connection has been removed. */
  sizes(): Record<string, number> {
    return {
      connections: this.conns.size,
      agents: this.agents.size,
      visitors: this.visitors.size,
      agentSessions: this.agentSessions.size,
      visitorSessions: this.visitorSessions.size,
      orgAgents: this.orgAgents.size,
      orgSupervisors: this.orgSupervisors.size,
    };
  }
}

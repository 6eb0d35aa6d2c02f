import { isSupervisor } from '../../identity/index.js';
import type { ClientConnection } from './client-connection.js';
import { MultiIndex } from './connection-index.js';
import type { Subscription } from './subscriptions.js';

/** A subscription whose access hangs on an assignment (see `FollowerIndex.readersOfVisitor`). */
export interface AssignedReader {
  readonly c: ClientConnection;
  readonly sub: Subscription;
  /** Order of indexing: a re-check after an await looks only at readers that were there before it. */
  readonly serial: number;
}

/** Agents who are not supervisors read a conversation only while serving its visitor (access.ts). */
const readsByAssignment = (c: ClientConnection): boolean => c.principal.kind === 'agent' && !isSupervisor(c.principal);

/**
 * The live subscriptions of this node, indexed the two ways events need them: by conversation (who
 * gets its events and typing) and, for agents whose access depends on an assignment, by the
 * conversation's visitor (whose subscriptions an access change in another of that visitor's
 * conversations re-checks). Each connection's own entries are kept too, so a closed connection
 * leaves every index whatever its `subs` map still says.
 */
export class FollowerIndex {
  private readonly conversations = new MultiIndex<string, ClientConnection>();
  private readonly visitors = new Map<string, Map<Subscription, AssignedReader>>();
  /** Assignment-bound subscriptions per organisation: with none, a re-check has nothing to do. */
  private readonly orgCounts = new Map<string, number>();
  private readonly byConnection = new Map<ClientConnection, Map<string, Subscription>>();
  private serialNo = 0;

  add(c: ClientConnection, sub: Subscription): void {
    let mine = this.byConnection.get(c);
    const held = mine?.get(sub.conversationId);
    if (held === sub) return;
    if (held) this.delete(c, held); // replaced without being removed: the old one must not linger
    mine = this.byConnection.get(c);
    if (!mine) this.byConnection.set(c, (mine = new Map()));
    mine.set(sub.conversationId, sub);
    this.conversations.add(sub.conversationId, c);
    if (!readsByAssignment(c)) return;
    let readers = this.visitors.get(sub.visitorId);
    if (!readers) this.visitors.set(sub.visitorId, (readers = new Map()));
    readers.set(sub, { c, sub, serial: ++this.serialNo });
    this.count(c.principal.orgId, 1);
  }

  /** Removes this subscription's entries; one not held (or already removed) changes nothing. */
  delete(c: ClientConnection, sub: Subscription): void {
    const mine = this.byConnection.get(c);
    if (mine?.get(sub.conversationId) !== sub) return;
    mine.delete(sub.conversationId);
    if (mine.size === 0) this.byConnection.delete(c);
    this.conversations.delete(sub.conversationId, c);
    const readers = this.visitors.get(sub.visitorId);
    if (!readers?.delete(sub)) return;
    if (readers.size === 0) this.visitors.delete(sub.visitorId);
    this.count(c.principal.orgId, -1);
  }

  /** The connection is gone: every entry it had leaves every index. */
  forget(c: ClientConnection): void {
    for (const sub of [...(this.byConnection.get(c)?.values() ?? [])]) this.delete(c, sub);
  }

  private count(orgId: string, by: number): void {
    const n = (this.orgCounts.get(orgId) ?? 0) + by;
    if (n === 0) this.orgCounts.delete(orgId);
    else this.orgCounts.set(orgId, n);
  }

  /** Connections following the conversation (live: copy before changing subscriptions while iterating). */
  followers(conversationId: string): ReadonlySet<ClientConnection> {
    return this.conversations.get(conversationId);
  }

  /**
   * Whether an agent of the organisation who reads by assignment follows any conversation other
   * than this one: only then can an access change here matter to another subscription.
   */
  hasAssignedReadersBesides(orgId: string, conversationId: string): boolean {
    let here = 0;
    for (const c of this.followers(conversationId)) if (c.principal.orgId === orgId && readsByAssignment(c)) here++;
    return (this.orgCounts.get(orgId) ?? 0) > here;
  }

  /** Assignment-bound subscriptions to the visitor's conversations, any organisation's (callers filter). */
  readersOfVisitor(visitorId: string): Iterable<AssignedReader> {
    return this.visitors.get(visitorId)?.values() ?? [];
  }

  /** The serial of the last reader indexed (see `AssignedReader.serial`). */
  get serial(): number {
    return this.serialNo;
  }

  /** Keys held per index: all 0 once every subscription and connection has gone. */
  sizes(): Record<string, number> {
    return {
      conversations: this.conversations.size,
      visitors: this.visitors.size,
      orgs: this.orgCounts.size,
      connections: this.byConnection.size,
    };
  }
}

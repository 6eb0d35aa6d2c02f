import type { SqlExecutor } from '../ports/database.js';
import { VisitorSessionStore } from './visitor-session-store.js';

/**
 * Revoked visitor sessions whose access tokens may still be unexpired. Access tokens are checked
 * on every request without the database, so this set is what makes a revocation effective at once:
 * each node fills it from the `visitor.session_revoked` bus topic and, at start, from the table.
 * An entry can be forgotten once every token of that session has expired (one token lifetime).
 */
export class VisitorRevocations {
  private readonly until = new Map<string, number>();

  constructor(private readonly tokenTtlMs: number) {}

  add(sessionId: string, revokedAtMs: number): void {
    this.until.set(sessionId, revokedAtMs + this.tokenTtlMs);
    if (this.until.size % 256 === 0) this.prune(revokedAtMs);
  }

  has(sessionId: string): boolean {
    return this.until.has(sessionId);
  }

  prune(nowMs: number): void {
    for (const [id, t] of this.until) if (t < nowMs) this.until.delete(id);
  }

  async load(db: SqlExecutor, now: Date): Promise<void> {
    for (const r of await VisitorSessionStore.revokedSince(db, new Date(now.getTime() - this.tokenTtlMs))) {
      this.add(r.id, new Date(r.revoked_at).getTime());
    }
  }
}

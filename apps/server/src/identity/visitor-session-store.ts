import type { SqlExecutor } from '../ports/database.js';

export interface VisitorSessionRow {
  id: string;
  org_id: string;
  visitor_id: string;
  identified: boolean;
  created_at: string | Date;
  last_used_at: string | Date;
  revoked_at: string | Date | null;
  revoked_reason: string | null;
}

export interface RefreshTokenRow {
  token_hash: string;
  session_id: string;
  issued_at: string | Date;
  used_at: string | Date | null;
}

export type RevokeReason = 'replaced' | 'reuse' | 'admin' | 'idle';

/** Visitor sessions and their refresh tokens (migration 007); only token hashes are stored. */
export const VisitorSessionStore = {
  async create(db: SqlExecutor, s: { id: string; orgId: string; visitorId: string; identified: boolean; now: Date }): Promise<VisitorSessionRow> {
    const [row] = await db.query<VisitorSessionRow>(
      `insert into visitor_sessions (id, org_id, visitor_id, identified, created_at, last_used_at)
       values ($1, $2, $3, $4, $5, $5) returning *`,
      [s.id, s.orgId, s.visitorId, s.identified, s.now],
    );
    return row!;
  },
  async byId(db: SqlExecutor, id: string): Promise<VisitorSessionRow | undefined> {
    return (await db.query<VisitorSessionRow>('select * from visitor_sessions where id = $1', [id]))[0];
  },
  async touch(db: SqlExecutor, id: string, now: Date): Promise<void> {
    await db.query('update visitor_sessions set last_used_at = $2 where id = $1', [id, now]);
  },
  /** Answers whether the session was live (so the caller announces the revocation once). */
  async revoke(db: SqlExecutor, id: string, reason: RevokeReason, now: Date): Promise<boolean> {
    const rows = await db.query('update visitor_sessions set revoked_at = $2, revoked_reason = $3 where id = $1 and revoked_at is null returning id', [id, now, reason]);
    return rows.length > 0;
  },
  async liveForVisitor(db: SqlExecutor, orgId: string, visitorId: string): Promise<VisitorSessionRow[]> {
    return db.query<VisitorSessionRow>('select * from visitor_sessions where org_id = $1 and visitor_id = $2 and revoked_at is null', [orgId, visitorId]);
  },
  async revokedSince(db: SqlExecutor, since: Date): Promise<{ id: string; revoked_at: string | Date }[]> {
    return db.query('select id, revoked_at from visitor_sessions where revoked_at > $1', [since]);
  },
  async addRefreshToken(db: SqlExecutor, hash: string, sessionId: string, now: Date): Promise<void> {
    await db.query('insert into visitor_refresh_tokens (token_hash, session_id, issued_at) values ($1, $2, $3)', [hash, sessionId, now]);
  },
  async refreshToken(db: SqlExecutor, hash: string): Promise<RefreshTokenRow | undefined> {
    return (await db.query<RefreshTokenRow>('select * from visitor_refresh_tokens where token_hash = $1', [hash]))[0];
  },
  /**
   * Forgets what can no longer matter: sessions revoked before `revokedBefore` (their access tokens
   * have expired) or unused since `idleBefore` (they ended), with their refresh tokens, and used
   * refresh tokens of live sessions older than `idleBefore`.
   */
  async sweep(db: SqlExecutor, revokedBefore: Date, idleBefore: Date): Promise<number> {
    const gone = await db.query('delete from visitor_sessions where revoked_at < $1 or last_used_at < $2 returning id', [revokedBefore, idleBefore]);
    await db.query('delete from visitor_refresh_tokens where used_at < $1', [idleBefore]);
    return gone.length;
  },
  /** Marks a refresh token used; false when another request used it first. */
  async useRefreshToken(db: SqlExecutor, hash: string, now: Date): Promise<boolean> {
    const rows = await db.query('update visitor_refresh_tokens set used_at = $2 where token_hash = $1 and used_at is null returning token_hash', [hash, now]);
    return rows.length > 0;
  },
};

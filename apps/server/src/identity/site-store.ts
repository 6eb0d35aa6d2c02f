import type { SqlExecutor } from '../ports/database.js';
import type { OrgRow } from './org-store.js';

/** An organisation's embedding settings (migration 007): identity secret rotation and allowed sites. */
export interface SiteRow extends OrgRow {
  identity_secret_previous: string | null;
  identity_secret_previous_until: string | Date | null;
  allowed_origins: string[] | string;
}

/** PGlite answers jsonb parsed, some drivers as text. */
export function allowedOriginsOf(row: Pick<SiteRow, 'allowed_origins'>): string[] {
  const v: unknown = typeof row.allowed_origins === 'string' ? JSON.parse(row.allowed_origins) : row.allowed_origins;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The secrets that verify identities now: the current one, and the previous one during its overlap. */
export function identitySecrets(row: SiteRow, now: Date): string[] {
  const until = row.identity_secret_previous_until ? new Date(row.identity_secret_previous_until).getTime() : 0;
  return row.identity_secret_previous && until > now.getTime() ? [row.identity_secret, row.identity_secret_previous] : [row.identity_secret];
}

export const SiteStore = {
  async bySiteKey(db: SqlExecutor, siteKey: string): Promise<SiteRow | undefined> {
    return (await db.query<SiteRow>('select * from orgs where site_key = $1', [siteKey]))[0];
  },
  async byOrg(db: SqlExecutor, orgId: string): Promise<SiteRow | undefined> {
    return (await db.query<SiteRow>('select * from orgs where id = $1', [orgId]))[0];
  },
  async setAllowedOrigins(db: SqlExecutor, orgId: string, origins: string[]): Promise<void> {
    await db.query('update orgs set allowed_origins = $2 where id = $1', [orgId, JSON.stringify(origins)]);
  },
  /** The current secret becomes the previous one, valid until `previousUntil`. */
  async rotateSecret(db: SqlExecutor, orgId: string, secret: string, previousUntil: Date): Promise<void> {
    await db.query(
      `update orgs set identity_secret_previous = identity_secret, identity_secret_previous_until = $3, identity_secret = $2 where id = $1`,
      [orgId, secret, previousUntil],
    );
  },
};

import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../ports/database.js';

export interface OrgRow {
  id: string;
  name: string;
  site_key: string;
  identity_secret: string;
}

export const OrgStore = {
  async create(db: SqlExecutor, o: Omit<OrgRow, 'id'>): Promise<OrgRow> {
    const [row] = await db.query<OrgRow>(
      'insert into orgs (id, name, site_key, identity_secret) values ($1, $2, $3, $4) returning *',
      [randomUUID(), o.name, o.site_key, o.identity_secret],
    );
    return row!;
  },
  async bySiteKey(db: SqlExecutor, siteKey: string): Promise<OrgRow | undefined> {
    return (await db.query<OrgRow>('select * from orgs where site_key = $1', [siteKey]))[0];
  },
  async byId(db: SqlExecutor, id: string): Promise<OrgRow | undefined> {
    return (await db.query<OrgRow>('select * from orgs where id = $1', [id]))[0];
  },
  async first(db: SqlExecutor): Promise<OrgRow | undefined> {
    return (await db.query<OrgRow>('select * from orgs order by created_at limit 1'))[0];
  },
  /**
   * The organisation's attachment retention (conversations' setting kept on the org; null =
   * the server's default). `forUpdate` locks the row: a change and its audit entry see one "before".
   */
  async attachmentRetentionDays(db: SqlExecutor, id: string, opts: { forUpdate?: boolean } = {}): Promise<number | null> {
    const [row] = await db.query<{ days: number | null }>(
      `select attachment_retention_days as days from orgs where id = $1${opts.forUpdate ? ' for update' : ''}`,
      [id],
    );
    return row?.days ?? null;
  },
  async setAttachmentRetentionDays(db: SqlExecutor, id: string, days: number | null): Promise<void> {
    await db.query('update orgs set attachment_retention_days = $2 where id = $1', [id, days]);
  },
  /** Organisations that set an attachment retention: one (orgId) or all (null). */
  async attachmentRetentions(db: SqlExecutor, orgId: string | null): Promise<{ id: string; days: number }[]> {
    return db.query<{ id: string; days: number }>(
      'select id, attachment_retention_days as days from orgs where attachment_retention_days is not null and ($1::uuid is null or id = $1)',
      [orgId],
    );
  },
};

/** Server-wide settings that must survive restarts (e.g. the generated signing secret). */
export const SettingsStore = {
  async get(db: SqlExecutor, key: string): Promise<string | undefined> {
    return (await db.query<{ value: string }>('select value from settings where key = $1', [key]))[0]?.value;
  },
  /** Stores value unless the key exists; answers whichever value is stored (first writer wins). */
  async getOrInit(db: SqlExecutor, key: string, value: string): Promise<string> {
    await db.query('insert into settings (key, value) values ($1, $2) on conflict (key) do nothing', [key, value]);
    return (await this.get(db, key))!;
  },
};

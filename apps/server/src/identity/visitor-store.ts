import { randomUUID } from 'node:crypto';
import type { VisitorProfile } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';

export interface VisitorRow {
  id: string;
  org_id: string;
  external_id: string | null;
  name: string | null;
  email: string | null;
  page_url: string | null;
  user_agent: string | null;
  language: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export interface VisitorDetails {
  name?: string | null;
  email?: string | null;
  pageUrl?: string | null;
  userAgent?: string | null;
  language?: string | null;
}

export function toVisitorProfile(v: VisitorRow): VisitorProfile {
  return {
    id: v.id,
    externalId: v.external_id,
    name: v.name,
    email: v.email,
    identified: v.external_id !== null,
    pageUrl: v.page_url,
    userAgent: v.user_agent,
    language: v.language,
    firstSeenAt: v.first_seen_at,
    lastSeenAt: v.last_seen_at,
  };
}

export const VisitorStore = {
  async create(db: SqlExecutor, orgId: string, externalId: string | null, d: VisitorDetails): Promise<VisitorRow> {
    const [row] = await db.query<VisitorRow>(
      `insert into visitors (id, org_id, external_id, name, email, page_url, user_agent, language)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (org_id, external_id) do update set last_seen_at = now()
       returning *`,
      [randomUUID(), orgId, externalId, d.name ?? null, d.email ?? null, d.pageUrl ?? null, d.userAgent ?? null, d.language ?? null],
    );
    return row!;
  },
  async byId(db: SqlExecutor, id: string): Promise<VisitorRow | undefined> {
    return (await db.query<VisitorRow>('select * from visitors where id = $1', [id]))[0];
  },
  async byExternalId(db: SqlExecutor, orgId: string, externalId: string): Promise<VisitorRow | undefined> {
    return (
      await db.query<VisitorRow>('select * from visitors where org_id = $1 and external_id = $2', [orgId, externalId])
    )[0];
  },
  /** Refreshes what we know; given fields overwrite, missing ones keep their value. */
  async touch(db: SqlExecutor, id: string, d: VisitorDetails): Promise<VisitorRow> {
    const [row] = await db.query<VisitorRow>(
      `update visitors set last_seen_at = now(),
         name = coalesce($2, name), email = coalesce($3, email), page_url = coalesce($4, page_url),
         user_agent = coalesce($5, user_agent), language = coalesce($6, language)
       where id = $1 returning *`,
      [id, d.name ?? null, d.email ?? null, d.pageUrl ?? null, d.userAgent ?? null, d.language ?? null],
    );
    return row!;
  },
};

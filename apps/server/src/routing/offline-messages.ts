import { randomUUID } from 'node:crypto';
import type { OfflineMessage } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import type { Principal } from '../identity/index.js';


/** Leave-a-message outside business hours: visitors write, the workspace lists and closes them. */
export class OfflineMessages {
  constructor(private readonly db: Database) {}

  async leave(
    p: Principal,
    m: { name: string; contact: string; text: string; groupId: string | null; pageUrl?: string | undefined },
  ): Promise<{ id: string }> {
    if (p.kind !== 'visitor') throw new AppError('FORBIDDEN', 'Visitors leave messages.');
    // Bounded per visitor: a form is not a way to flood the workspace.
    const [{ n } = { n: 0 }] = await this.db.query<{ n: number }>(
      `select count(*)::int as n from offline_messages where visitor_id = $1 and created_at > now() - interval '1 hour'`,
      [p.visitorId],
    );
    if (n >= 5) throw new AppError('RATE_LIMITED', 'Too many messages; please wait before writing again.');
    const group = m.groupId
      ? (await this.db.query<{ id: string }>('select id from skill_groups where id::text = $1 and org_id = $2', [m.groupId, p.orgId]))[0]
      : undefined;
    const id = randomUUID();
    await this.db.query(
      `insert into offline_messages (id, org_id, visitor_id, group_id, name, contact, text, page_url)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, p.orgId, p.visitorId, group?.id ?? null, m.name || null, m.contact || null, m.text, m.pageUrl ?? null],
    );
    return { id };
  }

  async list(p: Principal, status: 'open' | 'done'): Promise<OfflineMessage[]> {
    if (p.kind !== 'agent') throw new AppError('FORBIDDEN');
    const rows = await this.db.query<{
      id: string; visitor_id: string; visitor_name: string | null; group_id: string | null; name: string | null; contact: string | null;
      text: string; page_url: string | null; status: 'open' | 'done'; created_at: string | Date; handled_by: string | null;
    }>(
      `select m.*, v.name as visitor_name from offline_messages m join visitors v on v.id = m.visitor_id
       where m.org_id = $1 and m.status = $2 order by m.created_at desc limit 200`,
      [p.orgId, status],
    );
    return rows.map((r) => ({
      id: r.id, visitorId: r.visitor_id, visitorName: r.visitor_name, groupId: r.group_id, name: r.name, contact: r.contact,
      text: r.text, pageUrl: r.page_url, status: r.status, createdAt: new Date(r.created_at).toISOString(), handledBy: r.handled_by,
    }));
  }

  async markDone(p: Principal, id: string): Promise<void> {
    if (p.kind !== 'agent') throw new AppError('FORBIDDEN');
    const rows = await this.db.query(
      `update offline_messages set status = 'done', handled_by = $3, handled_at = now() where id::text = $1 and org_id = $2 returning id`,
      [id, p.orgId, p.agentId],
    );
    if (rows.length === 0) throw new AppError('NOT_FOUND');
  }
}

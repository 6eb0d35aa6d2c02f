import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, notFound } from '../platform/errors.js';
import { actorOf, type AuditLog } from '../audit/index.js';
import type { UploadSweeper } from './upload-sweeper.js';
import type { Database } from '../ports/database.js';
import type { AgentPrincipal } from '../identity/index.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface AttachmentRetentionRouteDeps {
  db: Database;
  who: RequestAuth;
  audit: AuditLog;
  sweeper: UploadSweeper;
}

const Days = z.object({ days: z.number().int().min(1).max(36_500).nullable() });
const IdParam = z.object({ id: z.string().uuid() });

function requireAdmin(p: AgentPrincipal): void {
  if (p.role !== 'admin') throw new AppError('FORBIDDEN', 'Admins only.');
}

/**
 * How long chat attachments are kept: per skill group, else per organisation, else the server's
 * ATTACHMENT_RETENTION_DAYS. Changes are audited like the recordings' retention; null = inherit.
 */
export async function registerAttachmentRetentionRoutes(app: FastifyInstance, d: AttachmentRetentionRouteDeps): Promise<void> {
  app.get('/api/admin/attachment-retention', async (req) => {
    const p = await d.who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    const [org] = await d.db.query<{ days: number | null }>('select attachment_retention_days as days from orgs where id = $1', [p.orgId]);
    const groups = await d.db.query<{ id: string; name: string; days: number | null }>(
      'select id, name, attachment_retention_days as days from skill_groups where org_id = $1 order by name',
      [p.orgId],
    );
    return { defaultDays: d.sweeper.defaultRetentionDays, orgDays: org?.days ?? null, groups };
  });

  app.put('/api/admin/attachment-retention', async (req, reply) => {
    const p = await d.who.agent(req);
    requireAdmin(p);
    const { days } = Days.parse(req.body);
    await d.db.transaction(async (tx) => {
      const [before] = await tx.query<{ days: number | null }>('select attachment_retention_days as days from orgs where id = $1 for update', [p.orgId]);
      await tx.query('update orgs set attachment_retention_days = $2 where id = $1', [p.orgId, days]);
      await d.audit.append(
        { orgId: p.orgId, actor: actorOf(p), action: 'retention.policy_changed', target: { type: 'org', id: p.orgId }, details: { of: 'attachments', from: before?.days ?? null, to: days } },
        tx,
      );
    });
    return reply.code(204).send();
  });

  app.put('/api/admin/skill-groups/:id/attachment-retention', async (req, reply) => {
    const p = await d.who.agent(req);
    requireAdmin(p);
    const { id } = IdParam.parse(req.params);
    const { days } = Days.parse(req.body);
    await d.db.transaction(async (tx) => {
      const [before] = await tx.query<{ days: number | null }>(
        'select attachment_retention_days as days from skill_groups where id = $1 and org_id = $2 for update',
        [id, p.orgId],
      );
      if (!before) throw notFound('No such skill group.');
      await tx.query('update skill_groups set attachment_retention_days = $2 where id = $1', [id, days]);
      await d.audit.append(
        { orgId: p.orgId, actor: actorOf(p), action: 'retention.policy_changed', target: { type: 'skill_group', id }, details: { of: 'attachments', from: before.days, to: days } },
        tx,
      );
    });
    return reply.code(204).send();
  });

  /** An admin's on-demand pass over their own organisation: orphans and expired attachments. */
  app.post('/api/admin/attachment-retention/run', async (req) => {
    const p = await d.who.agent(req);
    requireAdmin(p);
    return { result: await d.sweeper.run({ actor: actorOf(p), orgId: p.orgId }) };
  });
}

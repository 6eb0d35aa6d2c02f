import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AttachmentRetention, AttachmentRetentionRunAnswer } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import { actorOf, type AuditLog } from '../audit/index.js';
import type { UploadSweeper } from './upload-sweeper.js';
import { AttachmentRetentionAdmin } from './attachment-retention.js';
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
  const admin = new AttachmentRetentionAdmin(d.db, d.audit);
  app.get('/api/admin/attachment-retention', async (req) => {
    const p = await d.who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    const { orgDays, groups } = await admin.view(p.orgId);
    return { defaultDays: d.sweeper.defaultRetentionDays, orgDays, groups } satisfies AttachmentRetention;
  });

  app.put('/api/admin/attachment-retention', async (req, reply) => {
    const p = await d.who.agent(req);
    requireAdmin(p);
    const { days } = Days.parse(req.body);
    await admin.setOrgDays(p.orgId, actorOf(p), days);
    return reply.code(204).send();
  });

  app.put('/api/admin/skill-groups/:id/attachment-retention', async (req, reply) => {
    const p = await d.who.agent(req);
    requireAdmin(p);
    const { id } = IdParam.parse(req.params);
    const { days } = Days.parse(req.body);
    await admin.setGroupDays(p.orgId, actorOf(p), id, days);
    return reply.code(204).send();
  });

  /** An admin's on-demand pass over their own organisation: orphans and expired attachments. */
  app.post('/api/admin/attachment-retention/run', async (req) => {
    const p = await d.who.agent(req);
    requireAdmin(p);
    return { result: await d.sweeper.run({ actor: actorOf(p), orgId: p.orgId }) } satisfies AttachmentRetentionRunAnswer;
  });
}

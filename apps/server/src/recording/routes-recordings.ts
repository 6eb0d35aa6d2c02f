import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type {
  AuditEntriesAnswer, AuditVerifyAnswer, CompliancePublicKey, EvidenceExport, MarkAnswer, MarksAnswer, RecordingRetention,
  RecordingRetentionRunAnswer, RecordingsAnswer, SignedUrl,
} from '@visavis/protocol';
import { AppError, notFound, toErrorBody } from '../platform/errors.js';
import { actorOf } from '../audit/index.js';
import type { Compliance } from './compliance.js';
import { extensionFor } from './evidence-manifest.js';
import { RecordingPolicyAdmin } from './policy-admin.js';
import type { Database } from '../ports/database.js';
import type { AgentPrincipal } from '../identity/index.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface RecordingRouteDeps {
  db: Database;
  who: RequestAuth;
  compliance: Compliance;
}

const IdParam = z.object({ id: z.string().uuid() });
const Link = z.object({ exp: z.coerce.number().int(), sig: z.string().min(1).max(128) });

function requireAdmin(p: AgentPrincipal): void {
  if (p.role !== 'admin') throw new AppError('FORBIDDEN', 'Admins only.');
}

/** Recordings, script marks, evidence packages, the audit log and retention (docs/compliance.md). */
export async function registerRecordingRoutes(app: FastifyInstance, d: RecordingRouteDeps): Promise<void> {
  const { who } = d;
  const { recordings, evidence, audit, retention } = d.compliance;
  const policies = new RecordingPolicyAdmin(d.db, audit);

  /** Public: anyone checking a package compares this key's fingerprint with the package's. */
  app.get('/api/compliance/public-key', async () => evidence.publicKey() satisfies CompliancePublicKey);

  app.get('/api/calls/:id/recordings', async (req) => ({
    recordings: await recordings.listForCall(await who.any(req), IdParam.parse(req.params).id),
  }) satisfies RecordingsAnswer);
  app.get('/api/conversations/:id/recordings', async (req) => ({
    recordings: await recordings.listForConversation(await who.any(req), IdParam.parse(req.params).id),
  }) satisfies RecordingsAnswer);

  app.post('/api/recordings/:id/url', async (req) => {
    const { mode } = z.object({ mode: z.enum(['play', 'download']).default('play') }).parse(req.body ?? {});
    return recordings.mediaUrl(await who.any(req), IdParam.parse(req.params).id, mode) satisfies Promise<SignedUrl>;
  });

  // No automatic HEAD route: it would run this handler, i.e. audit a request that sends no bytes.
  app.get('/api/recordings/:id/media', { exposeHeadRoute: false }, async (req, reply) => {
    const { id } = IdParam.parse(req.params);
    const q = Link.extend({ mode: z.enum(['play', 'download']) }).safeParse(req.query);
    if (!q.success) throw notFound();
    const p = await who.agent(req);
    const opened = await recordings.open(
      p,
      id,
      q.data,
      { range: req.headers.range, ifRange: [req.headers['if-range']].flat()[0] },
      { ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
    );
    if (opened.kind === 'unsatisfiable') {
      // Answered here rather than by the error handler: a 416 must say the size in Content-Range.
      const e = new AppError('RANGE_NOT_SATISFIABLE');
      return reply.code(e.httpStatus).header('content-range', `bytes */${opened.size}`).send({ error: toErrorBody(e) });
    }
    const { row, range } = opened;
    const disposition = q.data.mode === 'download' ? 'attachment' : 'inline';
    void reply
      .header('content-type', row.mime)
      .header('accept-ranges', 'bytes')
      .header('etag', opened.etag)
      // Sensitive media: never kept in any cache, shared or private.
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-disposition', `${disposition}; filename="recording-${row.id}.${extensionFor(row.mime)}"`);
    if (range) {
      void reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${row.size}`).header('content-length', range.end - range.start + 1);
    } else void reply.header('content-length', row.size);
    return reply.send(opened.stream);
  });

  app.get('/api/calls/:id/marks', async (req) => {
    const marks = await recordings.marks(await who.any(req), IdParam.parse(req.params).id);
    return { marks: marks.map((m) => ({ id: m.id, atMs: m.at_ms, label: m.label, createdBy: m.created_by, createdAt: new Date(m.created_at).toISOString() })) } satisfies MarksAnswer;
  });
  app.post('/api/calls/:id/marks', async (req) => {
    // Without atMs the server stamps the mark: now, from the recording's start (or the answer).
    const body = z.object({ atMs: z.number().int().min(0).max(7 * 86_400_000).optional(), label: z.string().trim().min(1).max(200) }).parse(req.body);
    const m = await recordings.addMark(await who.any(req), IdParam.parse(req.params).id, body);
    return { mark: { id: m.id, atMs: m.at_ms, label: m.label, createdBy: m.created_by, createdAt: new Date(m.created_at).toISOString() } } satisfies MarkAnswer;
  });

  app.post('/api/calls/:id/evidence', async (req) => evidence.export(await who.any(req), IdParam.parse(req.params).id) satisfies Promise<EvidenceExport>);
  app.get('/api/evidence/:id/download', { exposeHeadRoute: false }, async (req, reply) => {
    const { id } = IdParam.parse(req.params);
    const q = Link.safeParse(req.query);
    if (!q.success) throw notFound();
    const { row, stream } = await evidence.open(await who.agent(req), id, q.data, { ip: req.ip });
    return reply
      .header('content-type', 'application/x-tar')
      .header('content-length', row.size)
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="evidence-${row.call_id}-${row.id.slice(0, 8)}.tar"`)
      .send(stream);
  });

  app.get('/api/admin/audit', async (req) => {
    const p = await who.agent(req);
    requireAdmin(p);
    const q = z
      .object({
        afterSeq: z.coerce.number().int().nonnegative().default(0),
        limit: z.coerce.number().int().positive().max(1000).default(100),
        targetType: z.string().max(64).optional(),
        targetId: z.string().max(128).optional(),
      })
      .parse(req.query);
    return { entries: await audit.list(p.orgId, q) } satisfies AuditEntriesAnswer;
  });
  app.get('/api/admin/audit/verify', async (req) => {
    const p = await who.agent(req);
    requireAdmin(p);
    const report = await audit.verify(p.orgId);
    // The result goes into the chain too: a dated "verified up to seq N" is itself evidence.
    await audit.append({
      orgId: p.orgId, actor: actorOf(p), action: 'audit.verify', target: { type: 'org', id: p.orgId },
      details: { ok: report.ok, checked: report.checked, lastSeq: report.lastSeq, lastHash: report.lastHash, brokenAt: report.brokenAt ? { ...report.brokenAt } : null },
    });
    return { report } satisfies AuditVerifyAnswer;
  });

  app.get('/api/admin/recording-retention', async (req) => {
    const p = await who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    const groups = await policies.retentions(p.orgId);
    return { defaultDays: d.compliance.settings.defaultRetentionDays, groups } satisfies RecordingRetention;
  });
  app.put('/api/admin/skill-groups/:id/recording-retention', async (req, reply) => {
    const p = await who.agent(req);
    requireAdmin(p);
    const { id } = IdParam.parse(req.params);
    const { days } = z.object({ days: z.number().int().min(1).max(36_500).nullable() }).parse(req.body);
    await policies.setRetention(p.orgId, actorOf(p), id, days);
    return reply.code(204).send();
  });
  app.post('/api/admin/retention/run', async (req) => {
    const p = await who.agent(req);
    requireAdmin(p);
    return { result: await retention.run({ actor: actorOf(p), orgId: p.orgId }) } satisfies RecordingRetentionRunAnswer;
  });
}

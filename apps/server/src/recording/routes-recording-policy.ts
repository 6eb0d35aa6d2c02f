import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RecordingPolicy } from '@visavis/protocol';
import { AppError, notFound } from '../platform/errors.js';
import { actorOf } from '../audit/index.js';
import type { Compliance } from './compliance.js';
import { policyFromRow, RECORDING_POLICY_COLUMNS, type RecordingPolicyRow } from './recording-policy.js';
import type { Database } from '../ports/database.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface RecordingPolicyRouteDeps {
  db: Database;
  who: RequestAuth;
  compliance: Compliance;
}

const IdParam = z.object({ id: z.string().uuid() });

/** The body of a policy change: the protocol's policy, with dual recording only in mandatory mode. */
const PolicyBody = RecordingPolicy.superRefine((p, ctx) => {
  if (p.dual && p.mode !== 'mandatory') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['dual'], message: 'Dual recording requires mode mandatory.' });
  }
});

/** Skill groups' recording policies (docs/compliance.md): read by supervisors and admins, set by admins. */
export async function registerRecordingPolicyRoutes(app: FastifyInstance, d: RecordingPolicyRouteDeps): Promise<void> {
  const { who } = d;
  const { audit } = d.compliance;

  app.get('/api/admin/recording-policies', async (req) => {
    const p = await who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    const rows = await d.db.query<RecordingPolicyRow & { id: string; name: string; days: number | null }>(
      `select g.id, g.name, g.recording_retention_days as days, ${RECORDING_POLICY_COLUMNS}
         from skill_groups g where g.org_id = $1 order by g.name`,
      [p.orgId],
    );
    return {
      defaultRetentionDays: d.compliance.settings.defaultRetentionDays,
      groups: rows.map((r) => ({ id: r.id, name: r.name, ...policyFromRow(r), retentionDays: r.days })),
    };
  });

  app.put('/api/admin/skill-groups/:id/recording-policy', async (req) => {
    const p = await who.agent(req);
    if (p.role !== 'admin') throw new AppError('FORBIDDEN', 'Admins only.');
    const { id } = IdParam.parse(req.params);
    const policy = PolicyBody.parse(req.body);
    await d.db.transaction(async (tx) => {
      const [before] = await tx.query<RecordingPolicyRow>(
        `select ${RECORDING_POLICY_COLUMNS} from skill_groups g where g.id = $1 and g.org_id = $2 for update`,
        [id, p.orgId],
      );
      if (!before) throw notFound('No such skill group.');
      await tx.query(
        `update skill_groups
            set recording_mode = $2, dual_recording = $3, recording_script = $4::jsonb, visitor_local_recording = $5
          where id = $1`,
        [id, policy.mode, policy.dual, JSON.stringify(policy.script), policy.visitorLocal],
      );
      // Last statement of the transaction: the audit head stays locked until commit.
      await audit.append(
        {
          orgId: p.orgId, actor: actorOf(p), action: 'recording.policy_changed', target: { type: 'skill_group', id },
          details: { from: policyFromRow(before), to: policy },
        },
        tx,
      );
    });
    return { policy };
  });
}

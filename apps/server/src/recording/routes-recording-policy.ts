import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RecordingPolicy, type RecordingPolicies, type RecordingPolicyAnswer } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import { actorOf } from '../audit/index.js';
import type { Compliance } from './compliance.js';
import { RecordingPolicyAdmin } from './policy-admin.js';
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
  const policies = new RecordingPolicyAdmin(d.db, d.compliance.audit);

  app.get('/api/admin/recording-policies', async (req) => {
    const p = await who.agent(req);
    if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
    return { defaultRetentionDays: d.compliance.settings.defaultRetentionDays, groups: await policies.policies(p.orgId) } satisfies RecordingPolicies;
  });

  app.put('/api/admin/skill-groups/:id/recording-policy', async (req) => {
    const p = await who.agent(req);
    if (p.role !== 'admin') throw new AppError('FORBIDDEN', 'Admins only.');
    const { id } = IdParam.parse(req.params);
    const policy = PolicyBody.parse(req.body);
    await policies.setPolicy(p.orgId, actorOf(p), id, policy);
    return { policy } satisfies RecordingPolicyAnswer;
  });
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_RECORDING, RecordingPolicies, RecordingPolicyAnswer, type RecordingPolicy } from '@visavis/protocol';
import { recordingPolicyForConversation } from '../src/recording/recording-policy.js';
import { api, recordedCall } from './compliance-fixtures.js';
import { startTestServer, type TestServer } from './support.js';

describe('recording policy per skill group', () => {
  let t: TestServer;
  let fx: Awaited<ReturnType<typeof recordedCall>>;
  let groupId: string;
  beforeAll(async () => {
    t = await startTestServer();
    fx = await recordedCall(t);
    const [g] = await t.server.db.query<{ id: string }>('select id from skill_groups where org_id = $1 order by name limit 1', [fx.orgId]);
    groupId = g!.id;
  }, 60_000);
  afterAll(async () => {
    fx?.close();
    await t?.stop();
  }, 30_000);

  const list = async (cookie: string) => {
    const res = await api(t, cookie).get('/api/admin/recording-policies');
    expect(res.status).toBe(200);
    // Parsed with the protocol's schema: a drift between server and schema fails here.
    return RecordingPolicies.parse(await res.json());
  };
  const put = (cookie: string, id: string, body: unknown) => api(t, cookie).put(`/api/admin/skill-groups/${id}/recording-policy`, body);
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('lists every group of the organisation with the default policy', async () => {
    const res = await list(fx.cookies.admin);
    expect(res.defaultRetentionDays).toBeGreaterThan(0);
    expect(res.groups.length).toBeGreaterThanOrEqual(2);
    expect(res.groups.find((g) => g.id === groupId)).toMatchObject({ ...NO_RECORDING, retentionDays: null });
  });

  it('lets an admin set a policy, which supervisors then read and conversations use', async () => {
    const policy: RecordingPolicy = { mode: 'mandatory', dual: true, script: ['Identify yourself', 'Read the risk notice'], visitorLocal: true };
    const res = await put(fx.cookies.admin, groupId, policy);
    expect(res.status).toBe(200);
    expect(RecordingPolicyAnswer.parse(await res.json()).policy).toEqual(policy);

    expect((await list(fx.cookies.supervisor)).groups.find((g) => g.id === groupId)).toMatchObject(policy);

    // The function the call code uses: the conversation's group, or nothing without a group.
    expect(await recordingPolicyForConversation(t.server.db, fx.conversationId)).toEqual(NO_RECORDING);
    await t.server.db.query('update conversations set group_id = $2 where id = $1', [fx.conversationId, groupId]);
    expect(await recordingPolicyForConversation(t.server.db, fx.conversationId)).toEqual(policy);
    expect(await recordingPolicyForConversation(t.server.db, randomUUID())).toEqual(NO_RECORDING);
  });

  it('writes the change to the audit log with before and after', async () => {
    const before = { mode: 'on', dual: false, script: [], visitorLocal: false } satisfies RecordingPolicy;
    expect((await put(fx.cookies.admin, groupId, before)).status).toBe(200);
    const after = { mode: 'mandatory', dual: false, script: ['Step one'], visitorLocal: false } satisfies RecordingPolicy;
    expect((await put(fx.cookies.admin, groupId, after)).status).toBe(200);
    const [entry] = await t.server.db.query<{ actor_kind: string; target_type: string; target_id: string; details: { from: unknown; to: unknown } }>(
      `select actor_kind, target_type, target_id, details from audit_log
        where org_id = $1 and action = 'recording.policy_changed' order by seq desc limit 1`,
      [fx.orgId],
    );
    expect(entry).toMatchObject({ actor_kind: 'agent', target_type: 'skill_group', target_id: groupId, details: { from: before, to: after } });
    const verify = await api(t, fx.cookies.admin).get('/api/admin/audit/verify');
    expect(((await verify.json()) as { report: { ok: boolean } }).report.ok).toBe(true);
  });

  it('refuses supervisors and agents as writers, agents as readers', async () => {
    const policy: RecordingPolicy = { mode: 'on', dual: false, script: [], visitorLocal: false };
    const sup = await put(fx.cookies.supervisor, groupId, policy);
    expect(sup.status).toBe(403);
    expect(await errorCode(sup)).toBe('FORBIDDEN');
    expect((await put(fx.cookies.agent1, groupId, policy)).status).toBe(403);
    expect((await api(t, fx.cookies.agent1).get('/api/admin/recording-policies')).status).toBe(403);
    expect((await api(t, null).get('/api/admin/recording-policies')).status).toBe(401);
    expect((await api(t, fx.visitorToken).get('/api/admin/recording-policies')).status).toBe(401);
  });

  it('answers NOT_FOUND for another organisation\'s group and for unknown ids', async () => {
    const otherOrg = randomUUID();
    const otherGroup = randomUUID();
    await t.server.db.query(`insert into orgs (id, name, site_key, identity_secret) values ($1, 'Other', $2, 'x')`, [otherOrg, `site-${otherOrg}`]);
    await t.server.db.query(`insert into skill_groups (id, org_id, name) values ($1, $2, 'Theirs')`, [otherGroup, otherOrg]);
    const policy: RecordingPolicy = { mode: 'on', dual: false, script: [], visitorLocal: false };
    const res = await put(fx.cookies.admin, otherGroup, policy);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('NOT_FOUND');
    expect((await put(fx.cookies.admin, randomUUID(), policy)).status).toBe(404);
    const [row] = await t.server.db.query<{ recording_mode: string }>('select recording_mode from skill_groups where id = $1', [otherGroup]);
    expect(row!.recording_mode).toBe('off');
    expect((await list(fx.cookies.admin)).groups.map((g) => g.id)).not.toContain(otherGroup);
  });

  it('refuses dual recording without mandatory mode and malformed policies, changing nothing', async () => {
    const current = (await list(fx.cookies.admin)).groups.find((g) => g.id === groupId)!;
    const audits = async () =>
      (await t.server.db.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'recording.policy_changed'`))[0]!.n;
    const n = await audits();
    for (const body of [
      { mode: 'on', dual: true, script: ['a'], visitorLocal: false },
      { mode: 'off', dual: true, script: [], visitorLocal: false },
      { mode: 'always', dual: false, script: [], visitorLocal: false },
      { mode: 'on', dual: false, script: [''], visitorLocal: false },
      { mode: 'on', dual: false, script: Array.from({ length: 51 }, (_, i) => `step ${i}`), visitorLocal: false },
      { mode: 'on', dual: false, script: [] },
    ]) {
      const res = await put(fx.cookies.admin, groupId, body);
      expect(res.status).toBe(422);
      expect(await errorCode(res)).toBe('VALIDATION_FAILED');
    }
    expect((await list(fx.cookies.admin)).groups.find((g) => g.id === groupId)).toEqual(current);
    expect(await audits()).toBe(n);
  });
});

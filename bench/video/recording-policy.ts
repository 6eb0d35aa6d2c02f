// video-setup --recording on|dual: the bench's conversations go to a skill group of the bench
// agents (no business hours) whose recording policy is set through the admin API, as an admin of
// the demo organisation would set it.
import { ADMIN, adminApi } from '../../e2e/harness/routing.js';
import { BENCH_PASSWORD } from '../chat/provision.js';

export type RecordingChoice = 'off' | 'on' | 'dual';

export function recordingOf(v: string): RecordingChoice {
  if (v !== 'off' && v !== 'on' && v !== 'dual') throw new Error(`--recording: "${v}" is not off, on or dual`);
  return v;
}

/** Makes a group of the bench agents with the policy and routes every new conversation to it. */
export async function setRecordingPolicy(baseUrl: string, agentEmails: string[], choice: RecordingChoice): Promise<void> {
  if (choice === 'off') return;
  const admin = await adminApi(baseUrl, ADMIN, BENCH_PASSWORD);
  const { call } = admin;
  const memberIds = agentEmails.map((e) => admin.ids[e]).filter((id) => id !== undefined);
  const { group } = await call<{ group: { id: string } }>('POST', '/api/admin/skill-groups', { name: `Bench ${choice}`, memberIds });
  const policy = choice === 'dual' ? { mode: 'mandatory', dual: true } : { mode: 'on', dual: false };
  await call('PUT', `/api/admin/skill-groups/${group.id}/recording-policy`, { ...policy, script: [], visitorLocal: false });
  const { config } = await call<{ config: { policy: object } }>('GET', '/api/admin/routing-config');
  await call('PUT', '/api/admin/routing-config', {
    ...config,
    policy: { ...config.policy, chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: group.id }, { kind: 'least-loaded' }] },
  });
}

// Lists SQL in apps/server/src that names a table another module owns (docs/architecture.md,
// "Table owners"). Run from the repository root: node scripts/table-owners.mjs
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const OWNER = {
  orgs: 'identity', settings: 'identity', agents: 'identity', agent_sessions: 'identity', account_tokens: 'identity',
  visitors: 'identity', visitor_sessions: 'identity', visitor_refresh_tokens: 'identity',
  conversations: 'conversations', conversation_events: 'conversations', blobs: 'conversations', upload_usage: 'conversations',
  skill_groups: 'routing', skill_group_members: 'routing', routing_configs: 'routing', routing_log: 'routing', offers: 'routing', offline_messages: 'routing',
  calls: 'calls', snapshot_requests: 'calls',
  recordings: 'recording', call_marks: 'recording', evidence_packages: 'recording', client_recording_uploads: 'recording', client_recording_chunks: 'recording',
  audit_log: 'audit', audit_heads: 'audit', outbox: 'platform', commands: 'platform',
};
// From the repository's root wherever it is run.
process.chdir(execSync('git rev-parse --show-toplevel', { encoding: 'utf8' }).trim());
const files = execSync('git ls-files -co --exclude-standard apps/server/src', { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/test-support/'));
const out = {};
for (const f of files) {
  const rel = f.slice('apps/server/src/'.length);
  const mod = rel.includes('/') ? rel.split('/')[0] : '(root)';
  const text = readFileSync(f, 'utf8');
  for (const [t, owner] of Object.entries(OWNER)) {
    if (owner === mod) continue;
    const re = new RegExp(`\\b(from|into|update|join|table)\\s+${t}\\b`, 'i');
    if (re.test(text)) (out[`${t} (${owner})`] ??= []).push(f);
  }
}
for (const [k, v] of Object.entries(out)) console.log(k, '<-', v.join(' '));

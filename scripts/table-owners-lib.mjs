// The table-owner check (docs/architecture.md §2, "Table owners"), shared by
// scripts/table-owners.mjs (prints what it finds) and apps/server/src/table-owners.unit.test.ts
// (fails on anything new). Plain JavaScript so the script runs with node alone.
import { existsSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

/** Which module owns each table (the module map in docs/architecture.md §2). */
export const TABLE_OWNERS = {
  orgs: 'identity', settings: 'identity', agents: 'identity', agent_sessions: 'identity', account_tokens: 'identity',
  visitors: 'identity', visitor_sessions: 'identity', visitor_refresh_tokens: 'identity',
  conversations: 'conversations', conversation_events: 'conversations', blobs: 'conversations', upload_usage: 'conversations',
  skill_groups: 'routing', skill_group_members: 'routing', routing_configs: 'routing', routing_log: 'routing', offers: 'routing', offline_messages: 'routing',
  calls: 'calls', snapshot_requests: 'calls',
  recordings: 'recording', call_marks: 'recording', evidence_packages: 'recording', client_recording_uploads: 'recording', client_recording_chunks: 'recording',
  audit_log: 'audit', audit_heads: 'audit', outbox: 'platform', commands: 'platform',
};

const SERVER_SRC = 'apps/server/src/';

/** Why each remaining exception stays; the same reasons docs/architecture.md gives. */
const WHY = {
  routingReads: "routing's snapshot, supervisor and push reads join the conversation with its visitor and agent in one consistent read (routing owns visitors' VIP/tags/attributes and agents' presence/capacity/load columns)",
  routingWrites: "assigning, offering, transferring and the capacity hold are one transaction: routing writes conversations' routing columns and its own agents/visitors columns",
  conversationNames: 'conversation summaries and sweeps join visitor and agent names in the list query (one query per inbox page); the abandon sweep touches visitors.last_seen_at in its transaction',
  evidence: 'the evidence package records the conversation with its parties\' names as one read at the moment the package is made (a read model)',
  invite: 'inviting an agent creates the account and its skill group memberships in one transaction',
  cli: 'the command-line tools list or find organisations directly; not moved behind OrgStore yet',
  seed: 'the demo seed (composition root, not a module) writes one demo organisation across modules at first start',
};

/** Cross-module SQL still in the code, by file (path under apps/server/src): the allow-list. It may only shrink. */
export const ALLOWED = [
  { file: 'routing/routing-store.ts', tables: ['visitors', 'conversations', 'agents'], why: WHY.routingReads },
  { file: 'routing/supervisor-view.ts', tables: ['visitors', 'conversations'], why: WHY.routingReads },
  { file: 'routing/offer-push.ts', tables: ['visitors', 'conversations'], why: WHY.routingReads },
  { file: 'routing/offline-messages.ts', tables: ['visitors'], why: WHY.routingReads },
  { file: 'routing/routing-safety-net.ts', tables: ['conversations'], why: WHY.routingReads },
  { file: 'routing/routing-service.ts', tables: ['conversations', 'agents'], why: WHY.routingWrites },
  { file: 'routing/offer-service.ts', tables: ['conversations', 'agents'], why: WHY.routingWrites },
  { file: 'routing/transfer-service.ts', tables: ['conversations', 'agents'], why: WHY.routingWrites },
  { file: 'routing/routing-admin.ts', tables: ['visitors', 'conversations', 'agents'], why: WHY.routingWrites },
  { file: 'routing/capacity.ts', tables: ['agents'], why: WHY.routingWrites },
  { file: 'routing/release.ts', tables: ['agents'], why: WHY.routingWrites },
  { file: 'conversations/conversation-store.ts', tables: ['visitors', 'agents'], why: WHY.conversationNames },
  { file: 'conversations/abandon-sweeper.ts', tables: ['visitors'], why: WHY.conversationNames },
  { file: 'recording/evidence-service.ts', tables: ['visitors', 'conversations', 'agents'], why: WHY.evidence },
  { file: 'identity/account-admin.ts', tables: ['skill_groups', 'skill_group_members'], why: WHY.invite },
  { file: 'cli/audit-command.ts', tables: ['orgs'], why: WHY.cli },
  { file: 'cli/init-command.ts', tables: ['orgs'], why: WHY.cli },
  { file: 'seed.ts', tables: ['orgs', 'agents', 'skill_groups', 'skill_group_members'], why: WHY.seed },
];

/** The module a file under apps/server/src belongs to: its first folder, or "(root)". */
export function moduleOf(file) {
  const rel = file.startsWith(SERVER_SRC) ? file.slice(SERVER_SRC.length) : file;
  return rel.includes('/') ? rel.split('/')[0] : '(root)';
}

/** Tables of other modules that the text's SQL names (after from / into / update / join / table). */
export function foreignTables(file, text) {
  const mod = moduleOf(file);
  return Object.entries(TABLE_OWNERS)
    .filter(([table, owner]) => owner !== mod && new RegExp(`\\b(from|into|update|join|table)\\s+${table}\\b`, 'i').test(text))
    .map(([table]) => table);
}

/** An HTTP route file (routes-*.ts) only parses, authorises, calls a use case and answers: no queries, no SQL text. */
export const isRouteFile = (file) => /(^|\/)routes-[^/]*\.ts$/.test(file);
/**
 * A query call, or SQL text (select … from, insert into, update … set, delete from, with … as ()
 * outside comments, in the repository's style: lower case or all capitals, so English messages
 * ("Select a group from the list") do not count.
 */
const SQL_TEXT = /\b(select\s[^;]{0,300}?\sfrom\s|insert\s+into\s|delete\s+from\s|update\s+\w+\s+set\s|with\s+\w+\s+as\s*\()/gi;
export function hasSql(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const sqlStyle = (verb) => verb === verb.toLowerCase() || verb === verb.toUpperCase();
  return /\.query\s*[<(]/.test(code) || [...code.matchAll(SQL_TEXT)].some((m) => sqlStyle(m[1].split(/\s/)[0]));
}

/**
 * Checks files ({ file, text }, file relative to the repository root) against the allow-list:
 * SQL in a route file, a foreign table not allowed for that file, and allowed pairs no longer
 * found (stale: remove them from ALLOWED and the doc, so the list only shrinks).
 */
export function checkTableOwners(files, allowed = ALLOWED) {
  const allowedPairs = new Set(allowed.flatMap((a) => a.tables.map((t) => `${SERVER_SRC}${a.file} ${t}`)));
  const found = new Set();
  const sqlInRoutes = [];
  const notAllowed = [];
  for (const { file, text } of files) {
    if (isRouteFile(file) && hasSql(text)) sqlInRoutes.push(file);
    for (const table of foreignTables(file, text)) {
      const pair = `${file} ${table}`;
      found.add(pair);
      if (!allowedPairs.has(pair)) notAllowed.push({ file, table, owner: TABLE_OWNERS[table] });
    }
  }
  const stale = [...allowedPairs].filter((p) => !found.has(p));
  return { sqlInRoutes, notAllowed, stale, found: [...found] };
}

/** The server's source files (tests and test support left out), read from the repository at `root`. */
export function serverSources(root) {
  return execSync(`git ls-files -co --exclude-standard ${SERVER_SRC}`, { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/test-support/') && existsSync(`${root}/${f}`))
    .map((file) => ({ file, text: readFileSync(`${root}/${file}`, 'utf8') }));
}

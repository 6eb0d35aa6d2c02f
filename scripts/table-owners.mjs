// Lists SQL in apps/server/src that names a table another module owns (docs/architecture.md,
// "Table owners"), and route files holding SQL. Run from anywhere in the repository:
// node scripts/table-owners.mjs. The check itself (and its allow-list) is table-owners-lib.mjs,
// which apps/server/src/table-owners.unit.test.ts runs too.
import { execSync } from 'node:child_process';
import { TABLE_OWNERS, checkTableOwners, serverSources } from './table-owners-lib.mjs';

const root = execSync('git rev-parse --show-toplevel', { encoding: 'utf8' }).trim();
const result = checkTableOwners(serverSources(root));
const byTable = {};
for (const pair of result.found) {
  const [file, table] = pair.split(' ');
  (byTable[`${table} (${TABLE_OWNERS[table]})`] ??= []).push(file);
}
for (const [k, v] of Object.entries(byTable)) console.log(k, '<-', v.join(' '));
for (const f of result.sqlInRoutes) console.log('SQL in a route file:', f);
for (const n of result.notAllowed) console.log(`not in the allow-list: ${n.file} names ${n.table} (${n.owner})`);
for (const s of result.stale) console.log('allowed but no longer found (shrink the list):', s);

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALLOWED, checkTableOwners, hasSql, serverSources } from '../../../scripts/table-owners-lib.mjs';

// The ratchet behind docs/architecture.md "Table owners": SQL for a table lives in its module,
// route files hold none, and the exceptions are the committed allow-list, which may only shrink.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('table owners (scripts/table-owners-lib.mjs)', () => {
  const result = checkTableOwners(serverSources(repoRoot));

  it('finds no SQL in any HTTP route file (routes-*.ts)', () => {
    expect(result.sqlInRoutes).toEqual([]);
  });

  it("finds SQL naming another module's table only where the allow-list says why", () => {
    expect(result.notAllowed).toEqual([]);
  });

  it('has no stale allow-list entry: an exception that is gone comes off the list (and the doc)', () => {
    expect(result.stale).toEqual([]);
  });

  it('gives every exception a reason, and the architecture doc names every file on the list', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/architecture.md'), 'utf8');
    for (const a of ALLOWED) {
      expect(a.why.length, a.file).toBeGreaterThan(20);
      expect(doc, `docs/architecture.md should name ${a.file}`).toContain(a.file);
    }
  });

  it('fails a route file with a query, and SQL naming a table of another module that is not allowed', () => {
    const route = "app.get('/x', async (req) => d.db.query('select id, name from skill_groups where org_id = $1', [p.orgId]));";
    const bad = checkTableOwners([
      { file: 'apps/server/src/recording/routes-example.ts', text: route },
      { file: 'apps/server/src/recording/example-store.ts', text: "tx.query('update calls set status = $2 where id = $1')" },
      { file: 'apps/server/src/calls/example-store.ts', text: "tx.query('update calls set status = $2 where id = $1')" },
    ]);
    expect(bad.sqlInRoutes).toEqual(['apps/server/src/recording/routes-example.ts']);
    expect(bad.notAllowed).toEqual([
      { file: 'apps/server/src/recording/routes-example.ts', table: 'skill_groups', owner: 'routing' },
      { file: 'apps/server/src/recording/example-store.ts', table: 'calls', owner: 'calls' },
    ]);
    // Every allowed pair is absent from these three files: all of them would be reported stale.
    expect(bad.stale.length).toBe(ALLOWED.reduce((n, a) => n + a.tables.length, 0));
  });

  it('tells SQL text from route code that merely mentions a query string or words', () => {
    expect(hasSql('const q = Link.safeParse(req.query);')).toBe(false);
    expect(hasSql("throw new AppError('FORBIDDEN', 'Select a group from the list.');")).toBe(false);
    expect(hasSql('await tx.query<{ days: number }>(sql, [id]);')).toBe(true);
    expect(hasSql('`insert into blobs (id) values ($1)`')).toBe(true);
    expect(hasSql("'update orgs set attachment_retention_days = $2 where id = $1'")).toBe(true);
    expect(hasSql('"SELECT id FROM skill_groups"')).toBe(true);
  });
});

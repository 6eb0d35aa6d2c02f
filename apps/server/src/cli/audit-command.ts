import path from 'node:path';
import { PgDatabase } from '../adapters/postgres/pg-database.js';
import { PgliteDatabase } from '../adapters/postgres/pglite-database.js';
import { AuditLog } from '../audit/index.js';
import { loadConfig } from '../platform/config.js';
import type { Database } from '../ports/database.js';
import { systemClock } from '../ports/clock.js';
import { EXIT, UsageError, type Output } from './output.js';

export const AUDIT_USAGE = `visavis audit-verify [--org <uuid>] [--json]

  Walks the audit chain of every organisation (or one) in the server's database, as configured
  by the same environment as the server (DATABASE_URL, or DATA_DIR for the embedded database,
  which only one process can open: stop the server first). Reports the first broken link.

  Exit status: 0 every chain intact, 1 a chain is broken, 2 usage error.`;

export async function auditVerifyCommand(args: string[], out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let org: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--org') {
      org = args[++i];
      if (!org || !/^[0-9a-f-]{36}$/i.test(org)) throw new UsageError('--org needs an organisation id (uuid)');
    } else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') {
      out.log(AUDIT_USAGE);
      return EXIT.ok;
    } else throw new UsageError(`unknown argument ${a}`);
  }
  const config = loadConfig(env);
  const db: Database = config.DATABASE_URL
    ? new PgDatabase(config.DATABASE_URL, 2)
    : await PgliteDatabase.open(path.join(config.dataDir, 'pglite'));
  try {
    const orgs = org ? [org] : (await db.query<{ id: string }>('select id from orgs order by created_at, id')).map((o) => o.id);
    const audit = new AuditLog(db, systemClock);
    const reports = [];
    for (const id of orgs) reports.push(await audit.verify(id));
    if (json) out.log(JSON.stringify(reports, null, 2));
    else {
      for (const r of reports) {
        if (r.ok) out.log(`${r.orgId}: ok, ${r.checked} entries, head ${r.lastSeq} ${r.lastHash}`);
        else out.log(`${r.orgId}: BROKEN at seq ${r.brokenAt!.seq} (${r.brokenAt!.reason}); ${r.checked} entries before it verify`);
      }
    }
    return reports.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
  } finally {
    await db.close();
  }
}

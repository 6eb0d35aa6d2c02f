import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { migrate } from '../adapters/postgres/migrate.js';
import { PgDatabase } from '../adapters/postgres/pg-database.js';
import { PgliteDatabase } from '../adapters/postgres/pglite-database.js';
import { AuditLog, SYSTEM_ACTOR } from '../audit/index.js';
import { loadConfig } from '../platform/config.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import { issuePasswordLink, AccountStore, AgentStore, OrgStore, type OrgRow } from '../identity/index.js';
import { EXIT, UsageError, type Output } from './output.js';

export const INIT_USAGE = `visavis init --org <name> --admin <e-mail> [--name <admin name>]

  Production bootstrap: creates the organisation (with its widget site key and identity secret)
  and its first admin, who has no password yet, and prints a one-time link to set it (valid
  PASSWORD_LINK_HOURS hours, default 72; built from PUBLIC_URL). Uses the server's environment
  (DATABASE_URL, or DATA_DIR for the embedded database: stop the server first). Run again with
  the same --org and --admin before the password is set to get a new link (the old one stops
  working); any other existing organisation name or e-mail is refused.

  Exit status: 0 created (or a new link), 1 refused, 2 usage error.`;

const Email = z.string().trim().toLowerCase().email().max(254);

interface InitArgs {
  org: string;
  admin: string;
  name: string;
}

function parseArgs(args: string[]): InitArgs | 'help' {
  const values: Record<string, string | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '-h') return 'help';
    if (a !== '--org' && a !== '--admin' && a !== '--name') throw new UsageError(`unknown argument ${a}`);
    const v = args[++i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
    values[a.slice(2)] = v;
  }
  const org = values.org?.trim();
  if (!org || org.length > 100) throw new UsageError('--org needs the organisation name (1 to 100 characters)');
  const email = Email.safeParse(values.admin ?? '');
  if (!email.success) throw new UsageError('--admin needs the first admin\'s e-mail address');
  const name = (values.name ?? email.data.split('@')[0]!).trim();
  if (!name || name.length > 100) throw new UsageError('--name must be 1 to 100 characters');
  return { org, admin: email.data, name };
}

/** A readable, unguessable site key: the name's Latin letters and digits, then random hex. */
export function newSiteKey(orgName: string): string {
  const slug = orgName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24).replace(/-+$/, '');
  return `${slug || 'org'}-${randomBytes(5).toString('hex')}`;
}

type Outcome =
  | { kind: 'created' | 'relinked'; org: OrgRow; link: string; expiresAt: string }
  | { kind: 'refused'; reason: string };

/** The bootstrap itself, in one transaction (so a refused or failed run leaves nothing behind). */
export async function bootstrapOrganisation(
  db: Database,
  clock: Clock,
  a: InitArgs,
  links: { publicUrl: string; ttlMs: number },
): Promise<Outcome> {
  const audit = new AuditLog(db, clock);
  const now = clock.now();
  return db.transaction(async (tx): Promise<Outcome> => {
    const [sameName] = await tx.query<OrgRow>('select * from orgs where lower(name) = lower($1) order by created_at limit 1', [a.org]);
    const holder = await AccountStore.byEmail(tx, a.admin);
    if (sameName && holder?.org_id === sameName.id && holder.role === 'admin' && holder.password_hash === '' && holder.active) {
      const link = await issuePasswordLink(tx, links, now, { orgId: sameName.id, agentId: holder.id, purpose: 'invite' });
      await audit.append({ orgId: sameName.id, actor: SYSTEM_ACTOR, action: 'org.bootstrap_link_reissued', target: { type: 'agent', id: holder.id } }, tx);
      return { kind: 'relinked', org: sameName, ...link };
    }
    if (sameName) return { kind: 'refused', reason: `an organisation named "${sameName.name}" already exists (site key ${sameName.site_key})` };
    if (holder) return { kind: 'refused', reason: `the e-mail ${a.admin} already belongs to an account` };
    const org = await OrgStore.create(tx, { name: a.org, site_key: newSiteKey(a.org), identity_secret: randomBytes(32).toString('hex') });
    // No password: the empty hash verifies against nothing until the link is used.
    const admin = await AgentStore.create(tx, { orgId: org.id, email: a.admin, name: a.name, role: 'admin', passwordHash: '' });
    const link = await issuePasswordLink(tx, links, now, { orgId: org.id, agentId: admin.id, purpose: 'invite' });
    await audit.append(
      { orgId: org.id, actor: SYSTEM_ACTOR, action: 'org.bootstrapped', target: { type: 'agent', id: admin.id }, details: { orgName: org.name, adminEmail: admin.email } },
      tx,
    );
    return { kind: 'created', org, ...link };
  });
}

export async function initCommand(args: string[], out: Output, env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === 'help') {
    out.log(INIT_USAGE);
    return EXIT.ok;
  }
  const config = loadConfig(env);
  const db: Database = config.DATABASE_URL
    ? new PgDatabase(config.DATABASE_URL, 2)
    : await PgliteDatabase.open(path.join(config.dataDir, 'pglite'));
  try {
    await migrate(db);
    const r = await bootstrapOrganisation(db, clock, parsed, { publicUrl: config.publicUrl, ttlMs: config.PASSWORD_LINK_HOURS * 3_600_000 });
    if (r.kind === 'refused') {
      out.error(`visavis init: refused: ${r.reason}.`);
      out.error('  Existing organisations are managed in the workspace (Admin → Agents), not with init.');
      return EXIT.failed;
    }
    out.log(r.kind === 'created' ? `Created organisation "${r.org.name}".` : `"${r.org.name}" exists and its admin has not set a password yet: here is a new link (the previous one no longer works).`);
    out.log(`  organisation id: ${r.org.id}`);
    out.log(`  widget site key: ${r.org.site_key}`);
    out.log(`  first admin:     ${parsed.admin}`);
    out.log('');
    out.log(`Open this link once to set the admin's password (valid until ${r.expiresAt}):`);
    out.log(`  ${r.link}`);
    if (!config.PUBLIC_URL) out.log('  (PUBLIC_URL is not set: the link uses the local address; set PUBLIC_URL to the address people open.)');
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

// Prepares the database the benchmark's server will use: the server's own migrations and demo
// seed, plus M benchmark agents with enough capacity. There is no API to create agents (the HTTP
// API only has login, /api/me and presence), and PGlite is a single-process database that the
// server holds while it runs, so the agents are written before the server starts, through the
// server's own store code (AgentStore.create, hashPassword): same defaults and hashing as the app.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../apps/server/src/adapters/postgres/migrate.js';
import { PgDatabase } from '../../apps/server/src/adapters/postgres/pg-database.js';
import { PgliteDatabase } from '../../apps/server/src/adapters/postgres/pglite-database.js';
import type { Database } from '../../apps/server/src/ports/database.js';
import { hashPassword } from '../../apps/server/src/identity/passwords.js';
import { DEMO_SITE_KEY, seedDemo } from '../../apps/server/src/seed.js';
import { AgentStore } from '../../apps/server/src/identity/agent-store.js';

export const BENCH_PASSWORD = 'bench-password-123';

export interface Provisioned {
  kind: 'pglite' | 'postgres';
  dataDir: string;
  /** Extra environment for the server (DATABASE_URL for PostgreSQL). */
  env: Record<string, string>;
  siteKey: string;
  agentEmails: string[];
  /** Removes the data directory and, for PostgreSQL, drops the scratch database. */
  cleanup(): Promise<void>;
}

/**
 * A fresh data directory, and with `postgresUrl` a scratch database `vv_bench_<hex>` created on
 * that server (its role needs CREATEDB) and dropped by cleanup(), so runs never share state.
 */
export async function provision(opts: {
  agents: number;
  capacity: number;
  postgresUrl?: string;
}): Promise<Provisioned> {
  const dataDir = await mkdtemp(join(tmpdir(), 'visavis-bench-'));
  let dbUrl: string | undefined;
  let dbName: string | undefined;
  let db: Database | undefined;
  const cleanup = async () => {
    await db?.close().catch(() => {});
    db = undefined;
    await rm(dataDir, { recursive: true, force: true });
    if (opts.postgresUrl && dbName)
      await adminQuery(opts.postgresUrl, `drop database if exists ${dbName} with (force)`);
  };
  try {
    if (opts.postgresUrl) {
      dbName = `vv_bench_${randomBytes(5).toString('hex')}`;
      await adminQuery(opts.postgresUrl, `create database ${dbName}`);
      const url = new URL(opts.postgresUrl);
      url.pathname = `/${dbName}`;
      dbUrl = url.toString();
      db = new PgDatabase(dbUrl, 2);
    } else {
      db = await PgliteDatabase.open(join(dataDir, 'pglite'));
    }
    await migrate(db);
    const { org } = await seedDemo(db, BENCH_PASSWORD);
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const agentEmails: string[] = [];
    for (let i = 1; i <= opts.agents; i++) {
      const email = `bench-agent-${i}@bench.visavis.local`;
      await AgentStore.create(db, {
        orgId: org.id,
        email,
        name: `Bench Agent ${i}`,
        role: 'agent',
        passwordHash,
        capacity: opts.capacity,
      });
      agentEmails.push(email);
    }
    await db.close();
    db = undefined;
    return {
      kind: opts.postgresUrl ? 'postgres' : 'pglite',
      dataDir,
      env: dbUrl ? { DATABASE_URL: dbUrl } : {},
      siteKey: DEMO_SITE_KEY,
      agentEmails,
      cleanup,
    };
  } catch (e) {
    await cleanup().catch(() => {});
    throw e;
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

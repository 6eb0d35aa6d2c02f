// A database prepared for a benchmark that needs many agents: the server's own migrations and
// demo seed, then N agents written through the server's own stores (AgentStore.create, and with
// `sessions` a signed-in session each through AgentSessions.create) before the server starts.
// PGlite is single-process, so this has to happen while no server holds the database; on
// PostgreSQL it is a scratch database `vv_bench_<hex>` dropped by cleanup().
//
// Why not the admin API and POST /api/auth/login: each of those hashes a password with scrypt
// (N=2^15, ~190 ms of one core on the 2-core bench machine), so 1,000 agents cost minutes of set-up
// before anything is measured. One hash is computed here and stored for every agent (they share
// the password; a login still verifies it in full), and sessions are minted the way a login mints
// them. The login path itself is what bench/login-storm.ts measures.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../apps/server/src/adapters/postgres/migrate.js';
import { PgDatabase } from '../../apps/server/src/adapters/postgres/pg-database.js';
import { PgliteDatabase } from '../../apps/server/src/adapters/postgres/pglite-database.js';
import type { Database } from '../../apps/server/src/ports/database.js';
import { AgentStore } from '../../apps/server/src/identity/agent-store.js';
import { AgentSessions } from '../../apps/server/src/identity/account-store.js';
import { SESSION_TTL_MS } from '../../apps/server/src/identity/auth-service.js';
import { hashPassword } from '../../apps/server/src/identity/passwords.js';
import { randomToken, sha256Hex } from '../../apps/server/src/identity/tokens.js';
import { SESSION_COOKIE } from '../../apps/server/src/platform/http/context.js';
import { seedDemo } from '../../apps/server/src/seed.js';

export interface FleetAgent {
  id: string;
  email: string;
  /** `vv_session=...` of a session minted for the agent; empty without `sessions`. */
  cookie: string;
}

export interface Fleet {
  /** What the database is, for the report. */
  label: string;
  /** Give to startServer: the data directory (holds PGlite) and DATABASE_URL for PostgreSQL. */
  dataDir: string;
  env: Record<string, string>;
  agents: FleetAgent[];
  /** Seconds spent preparing, for the report. */
  seconds: number;
  cleanup(): Promise<void>;
}

export interface FleetOptions {
  agents: number;
  capacity: number;
  /** The demo accounts' and every bench agent's password. */
  password: string;
  /** Mint a session per agent (the benchmark measures something after sign-in). */
  sessions: boolean;
}

/** PostgreSQL from BENCH_DATABASE_URL / TEST_DATABASE_URL, else 127.0.0.1:5432/test if it answers, else null (PGlite). */
async function reachablePostgres(): Promise<string | null> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
    return url;
  } catch {
    return null;
  } finally {
    await probe.end().catch(() => undefined);
  }
}

/** One statement on the PostgreSQL server (create / drop the scratch database). */
const onServer = async (url: string, sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.query(sql).finally(() => client.end());
};

export async function prepareFleet(opts: FleetOptions): Promise<Fleet> {
  const t0 = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'visavis-bench-'));
  const postgres = await reachablePostgres();
  const dbName = `vv_bench_${randomBytes(5).toString('hex')}`;
  let db: Database | undefined;
  const cleanup = async () => {
    await db?.close().catch(() => undefined);
    db = undefined;
    await rm(dataDir, { recursive: true, force: true });
    if (postgres) await onServer(postgres, `drop database if exists ${dbName} with (force)`).catch(() => undefined);
  };
  try {
    let env: Record<string, string> = {};
    let label = 'embedded PGlite (no PostgreSQL reachable)';
    if (postgres) {
      await onServer(postgres, `create database ${dbName}`);
      const url = new URL(postgres);
      url.pathname = `/${dbName}`;
      env = { DATABASE_URL: url.toString() };
      label = `PostgreSQL ${url.host}`;
      db = new PgDatabase(url.toString(), 4);
    } else {
      db = await PgliteDatabase.open(join(dataDir, 'pglite'));
    }
    await migrate(db);
    const { org } = await seedDemo(db, opts.password);
    const passwordHash = await hashPassword(opts.password);
    const agents: FleetAgent[] = [];
    const now = new Date();
    for (let i = 0; i < opts.agents; i++) {
      const email = `bench-${i}@example.test`;
      const row = await AgentStore.create(db, { orgId: org.id, email, name: `Bench ${i}`, role: 'agent', passwordHash, capacity: opts.capacity });
      let cookie = '';
      if (opts.sessions) {
        const token = randomToken();
        await AgentSessions.create(db, {
          tokenHash: sha256Hex(token), agentId: row.id, orgId: org.id, now,
          expiresAt: new Date(now.getTime() + SESSION_TTL_MS), userAgent: 'bench', ip: null,
        });
        cookie = `${SESSION_COOKIE}=${token}`;
      }
      agents.push({ id: row.id, email, cookie });
    }
    await db.close();
    db = undefined;
    return { label, dataDir, env, agents, seconds: (performance.now() - t0) / 1000, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { migrate } from '../adapters/postgres/migrate.js';
import { PgDatabase } from '../adapters/postgres/pg-database.js';
import { PgliteDatabase } from '../adapters/postgres/pglite-database.js';
import type { Database } from '../ports/database.js';

export interface TestDatabase {
  db: Database;
  /** A connection string when the database is a real PostgreSQL (for a second process). */
  url: string | null;
  drop(): Promise<void>;
}

/** A fresh, migrated in-memory PGlite. */
export async function freshPglite(): Promise<TestDatabase> {
  const db = await PgliteDatabase.open();
  await migrate(db);
  return { db, url: null, drop: () => db.close() };
}

/** A fresh database on the PostgreSQL server of TEST_DATABASE_URL, dropped afterwards. */
export async function freshPostgres(): Promise<TestDatabase> {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `vv_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = new PgDatabase(url.toString());
  await migrate(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const DATABASE_KINDS = ['pglite', 'postgres'] as const;

/**
 * Runs the same suite against PGlite and a real PostgreSQL. Without TEST_DATABASE_URL the
 * PostgreSQL half is skipped visibly when run by hand, and fails in CI, so a green CI run
 * always means both databases were exercised.
 */
export function describeEachDatabase(title: string, suite: (open: () => Promise<TestDatabase>) => void): void {
  describe(`${title} [pglite]`, () => suite(freshPglite));
  const hasPg = !!process.env.TEST_DATABASE_URL;
  if (!hasPg && process.env.CI) {
    describe(`${title} [postgres]`, () => {
      throw new Error('TEST_DATABASE_URL is required in CI: the store tests must run on real PostgreSQL');
    });
    return;
  }
  (hasPg ? describe : describe.skip)(`${title} [postgres]`, () => suite(freshPostgres));
}

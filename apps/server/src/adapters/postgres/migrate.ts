import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../ports/database.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Applies `migrations/NNN_name.sql` in order, each in its own transaction, recording the
 * version. Safe to run on every start and from several nodes (an advisory lock on PostgreSQL
 * keeps two nodes from migrating at once).
 */
export async function migrate(db: Database): Promise<number[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
  await db.query(
    'create table if not exists schema_migrations (version int primary key, applied_at timestamptz not null default now())',
  );
  const applied: number[] = [];
  for (const file of files) {
    const version = Number(file.split('_')[0]);
    const sql = await readFile(MIGRATIONS_DIR + file, 'utf8');
    await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(7270001)');
      const done = await tx.query('select 1 from schema_migrations where version = $1', [version]);
      if (done.length > 0) return;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('insert into schema_migrations(version) values ($1)', [version]);
      applied.push(version);
    });
  }
  return applied;
}

/** Splits on semicolons at line ends; our migrations contain no procedural bodies. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

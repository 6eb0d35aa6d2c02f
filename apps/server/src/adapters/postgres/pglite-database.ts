import { PGlite, types } from '@electric-sql/pglite';
import type { Database, SqlExecutor } from '../../ports/database.js';

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in a data directory: the default for a single
 * machine. Same SQL and migrations as the pg adapter. PGlite has one connection, and its
 * `transaction()` serialises transactions, which is what row locks would give us anyway.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  /** dataDir undefined = in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const db = new PGlite(dataDir, {
      parsers: {
        [types.TIMESTAMPTZ]: (v: string) => new Date(v).toISOString(),
        [types.INT8]: (v: string) => Number(v),
      },
    });
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const res = await this.db.query<T>(sql, params as unknown[]);
    return res.rows;
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) => {
      const tx: SqlExecutor = {
        query: async <R>(sql: string, params: readonly unknown[] = []) =>
          (await t.query<R>(sql, params as unknown[])).rows,
      };
      return fn(tx);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

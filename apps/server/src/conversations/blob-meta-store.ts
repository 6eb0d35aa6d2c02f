import type { SqlExecutor } from '../ports/database.js';

export interface BlobRow {
  id: string;
  org_id: string;
  conversation_id: string;
  uploader_kind: 'visitor' | 'agent';
  uploader_id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  storage_key: string;
  created_at: string;
  /** First referenced by a message; null = an orphan candidate (removed by the upload sweeper). */
  attached_at: string | null;
  /** The file was deleted under retention; the row stays so links answer ATTACHMENT_EXPIRED. */
  deleted_at: string | null;
  deleted_reason: 'retention' | null;
}

export const BlobMetaStore = {
  async create(db: SqlExecutor, b: Omit<BlobRow, 'created_at' | 'attached_at' | 'deleted_at' | 'deleted_reason'>): Promise<BlobRow> {
    const [row] = await db.query<BlobRow>(
      `insert into blobs (id, org_id, conversation_id, uploader_kind, uploader_id, name, mime, size, sha256, storage_key)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
      [b.id, b.org_id, b.conversation_id, b.uploader_kind, b.uploader_id, b.name, b.mime, b.size, b.sha256, b.storage_key],
    );
    return row!;
  },
  async byId(db: SqlExecutor, id: string): Promise<BlobRow | undefined> {
    return (await db.query<BlobRow>('select * from blobs where id = $1', [id]))[0];
  },
  /**
   * Locks the row and marks it attached, for a message about to refer to it: the orphan sweep
   * skips locked rows and never takes attached ones, so a file cannot vanish under its message.
   */
  async attach(tx: SqlExecutor, id: string, now: Date): Promise<BlobRow | undefined> {
    const [row] = await tx.query<BlobRow>('select * from blobs where id = $1 for update', [id]);
    if (row && !row.attached_at && !row.deleted_at) {
      await tx.query('update blobs set attached_at = $2 where id = $1', [id, now.toISOString()]);
    }
    return row;
  },
};

import type { SqlExecutor } from '../ports/database.js';
import { CallStore } from '../calls/index.js';
import type { RecordingParty } from './recording-store.js';

/** A browser's chunked upload of one party's recording of a call (migration 006_client_recording.sql). */
export interface UploadRow {
  call_id: string;
  party: RecordingParty;
  org_id: string;
  mime: string;
  state: 'open' | 'finishing' | 'finished';
  lease_until: string | null;
  chunk_count: number;
  total_bytes: number;
  created_at: string;
  last_chunk_at: string;
  finished_at: string | null;
  finished_by: 'agent' | 'system' | null;
  recording_id: string | null;
}

export interface ChunkRow {
  call_id: string;
  party: RecordingParty;
  seq: number;
  storage_key: string | null;
  size: number;
  sha256: string;
  created_at: string;
}

const upload = (r: UploadRow | undefined): UploadRow | undefined =>
  r && { ...r, chunk_count: Number(r.chunk_count), total_bytes: Number(r.total_bytes) };
const chunk = (r: ChunkRow): ChunkRow => ({ ...r, seq: Number(r.seq), size: Number(r.size) });

export const ClientRecordingStore = {
  /** Creates the upload at its first chunk; answers true when this call created it. */
  async open(tx: SqlExecutor, u: { callId: string; party: RecordingParty; orgId: string; mime: string; now: Date }): Promise<boolean> {
    const rows = await tx.query(
      `insert into client_recording_uploads (call_id, party, org_id, mime, created_at, last_chunk_at)
       values ($1, $2, $3, $4, $5, $5) on conflict (call_id, party) do nothing returning call_id`,
      [u.callId, u.party, u.orgId, u.mime, u.now.toISOString()],
    );
    return rows.length === 1;
  },
  async get(db: SqlExecutor, callId: string, party: RecordingParty): Promise<UploadRow | undefined> {
    return upload((await db.query<UploadRow>('select * from client_recording_uploads where call_id = $1 and party = $2', [callId, party]))[0]);
  },
  async lock(tx: SqlExecutor, callId: string, party: RecordingParty): Promise<UploadRow | undefined> {
    return upload(
      (await tx.query<UploadRow>('select * from client_recording_uploads where call_id = $1 and party = $2 for update', [callId, party]))[0],
    );
  },
  async chunk(db: SqlExecutor, callId: string, party: RecordingParty, seq: number): Promise<ChunkRow | undefined> {
    const [r] = await db.query<ChunkRow>('select * from client_recording_chunks where call_id = $1 and party = $2 and seq = $3', [callId, party, seq]);
    return r && chunk(r);
  },
  async addChunk(tx: SqlExecutor, c: { callId: string; party: RecordingParty; seq: number; key: string; size: number; sha256: string; now: Date }): Promise<void> {
    await tx.query(
      `insert into client_recording_chunks (call_id, party, seq, storage_key, size, sha256, created_at) values ($1, $2, $3, $4, $5, $6, $7)`,
      [c.callId, c.party, c.seq, c.key, c.size, c.sha256, c.now.toISOString()],
    );
    await tx.query(
      `update client_recording_uploads set chunk_count = chunk_count + 1, total_bytes = total_bytes + $3, last_chunk_at = $4
       where call_id = $1 and party = $2`,
      [c.callId, c.party, c.size, c.now.toISOString()],
    );
  },
  /** The chunks still stored, in seq order (what finishing concatenates). */
  async storedChunks(db: SqlExecutor, callId: string, party: RecordingParty): Promise<ChunkRow[]> {
    const rows = await db.query<ChunkRow>(
      'select * from client_recording_chunks where call_id = $1 and party = $2 and storage_key is not null order by seq',
      [callId, party],
    );
    return rows.map(chunk);
  },
  /**
   * Takes the upload for finishing: open, or finishing under an expired lease (a finisher that
   * crashed). Answers the row when this caller got it.
   */
  async claim(db: SqlExecutor, callId: string, party: RecordingParty, now: Date, leaseMs: number): Promise<UploadRow | undefined> {
    const [r] = await db.query<UploadRow>(
      `update client_recording_uploads set state = 'finishing', lease_until = $4
       where call_id = $1 and party = $2 and (state = 'open' or (state = 'finishing' and lease_until < $3)) returning *`,
      [callId, party, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString()],
    );
    return upload(r);
  },
  /** Gives a claimed upload back (finishing failed; it is tried again later). */
  async release(db: SqlExecutor, callId: string, party: RecordingParty): Promise<void> {
    await db.query(
      `update client_recording_uploads set state = 'open', lease_until = null where call_id = $1 and party = $2 and state = 'finishing'`,
      [callId, party],
    );
  },
  /** Marks the upload finished and forgets the chunk blobs' keys (their blobs are deleted next). */
  async finished(tx: SqlExecutor, callId: string, party: RecordingParty, recordingId: string | null, by: 'agent' | 'system', now: Date): Promise<void> {
    await tx.query(
      `update client_recording_uploads set state = 'finished', lease_until = null, recording_id = $3, finished_by = $4, finished_at = $5
       where call_id = $1 and party = $2`,
      [callId, party, recordingId, by, now.toISOString()],
    );
    await tx.query('update client_recording_chunks set storage_key = null where call_id = $1 and party = $2', [callId, party]);
  },
  /** A client recording of this call and party already in the catalog (a finisher that crashed after registering). */
  async registered(db: SqlExecutor, callId: string, party: RecordingParty): Promise<string | null> {
    const [r] = await db.query<{ id: string }>(
      `select id from recordings where call_id = $1 and kind = 'client' and party = $2 order by created_at limit 1`,
      [callId, party],
    );
    return r?.id ?? null;
  },
  /** The policy the call was started with (null until the calls module records one), read through calls' CallStore. */
  async callPolicyMode(db: SqlExecutor, callId: string): Promise<string | null> {
    return (await CallStore.byId(db, callId))?.recording_policy?.mode ?? null;
  },
};

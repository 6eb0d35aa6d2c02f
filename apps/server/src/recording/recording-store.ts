import { randomUUID } from 'node:crypto';
import type { RecordingKind } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';
import { CallStore } from '../calls/index.js';
import { ConversationStore } from '../conversations/index.js';
import { SkillGroupSettingsStore } from '../routing/index.js';

export type { RecordingKind };
export type RecordingParty = 'agent' | 'visitor';

export interface RecordingRow {
  id: string;
  org_id: string;
  call_id: string;
  conversation_id: string;
  kind: RecordingKind;
  party: RecordingParty | null;
  storage_key: string;
  mime: string;
  size: number;
  sha256: string;
  duration_ms: number | null;
  started_at: string | null;
  created_at: string;
  retention_until: string;
  deleted_at: string | null;
  deleted_reason: string | null;
}

/** The facts of a call that compliance needs: the call (calls' row) with its conversation's agent and group. */
export interface CallFacts {
  id: string;
  org_id: string;
  conversation_id: string;
  agent_id: string | null;
  conversation_agent_id: string | null;
  group_id: string | null;
  media: string;
  profile: string;
  status: string;
  started_by: string;
  created_at: string;
  answered_at: string | null;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

export interface MarkRow {
  id: string;
  call_id: string;
  at_ms: number;
  label: string;
  created_by: string | null;
  created_at: string;
}

export interface EvidenceRow {
  id: string;
  org_id: string;
  call_id: string;
  storage_key: string;
  size: number;
  sha256: string;
  manifest_sha256: string;
  key_id: string;
  created_by: string | null;
  created_at: string;
  retention_until: string;
  deleted_at: string | null;
}

/** bigint columns: both adapters already parse int8 as numbers; this keeps rows right if one did not. */
const num = <T extends object>(r: T, ...keys: (keyof T)[]): T => {
  for (const k of keys) if (r[k] !== null && r[k] !== undefined) (r as Record<keyof T, unknown>)[k] = Number(r[k]);
  return r;
};

export const RecordingStore = {
  async create(
    tx: SqlExecutor,
    r: Omit<RecordingRow, 'created_at' | 'deleted_at' | 'deleted_reason'> & { created_at: string },
  ): Promise<RecordingRow> {
    const [row] = await tx.query<RecordingRow>(
      `insert into recordings (id, org_id, call_id, conversation_id, kind, party, storage_key, mime, size, sha256,
         duration_ms, started_at, created_at, retention_until)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning *`,
      [r.id, r.org_id, r.call_id, r.conversation_id, r.kind, r.party, r.storage_key, r.mime, r.size, r.sha256,
        r.duration_ms, r.started_at, r.created_at, r.retention_until],
    );
    return num(row!, 'size', 'duration_ms');
  },
  async byId(db: SqlExecutor, id: string): Promise<RecordingRow | undefined> {
    const [row] = await db.query<RecordingRow>('select * from recordings where id::text = $1', [id]);
    return row && num(row, 'size', 'duration_ms');
  },
  async forCall(db: SqlExecutor, callId: string): Promise<RecordingRow[]> {
    const rows = await db.query<RecordingRow>('select * from recordings where call_id = $1 order by created_at, id', [callId]);
    return rows.map((r) => num(r, 'size', 'duration_ms'));
  },
  async forConversation(db: SqlExecutor, conversationId: string): Promise<RecordingRow[]> {
    const rows = await db.query<RecordingRow>('select * from recordings where conversation_id = $1 order by created_at, id', [conversationId]);
    return rows.map((r) => num(r, 'size', 'duration_ms'));
  },
  /** Rows whose retention ended, locked so that two nodes running the job never take the same rows. */
  async lockDue(tx: SqlExecutor, now: Date, limit: number, orgId: string | null): Promise<RecordingRow[]> {
    const rows = await tx.query<RecordingRow>(
      `select * from recordings where deleted_at is null and retention_until <= $1 and ($3::uuid is null or org_id = $3)
       order by retention_until, id limit $2 for update skip locked`,
      [now.toISOString(), limit, orgId],
    );
    return rows.map((r) => num(r, 'size', 'duration_ms'));
  },
  async markDeleted(tx: SqlExecutor, ids: string[], now: Date, reason: string): Promise<void> {
    if (ids.length === 0) return;
    await tx.query('update recordings set deleted_at = $2, deleted_reason = $3 where id = any($1::uuid[])', [ids, now.toISOString(), reason]);
  },
};

/** Call facts from the calls and conversations modules' stores (their owners), never their tables. */
export const CallFactsStore = {
  async byId(db: SqlExecutor, callId: string): Promise<CallFacts | undefined> {
    const k = await CallStore.byId(db, callId);
    const c = k && (await ConversationStore.byId(db, k.conversation_id));
    if (!k || !c) return undefined;
    const iso = (d: string | Date | null) => (d === null ? null : typeof d === 'string' ? d : d.toISOString());
    return {
      id: k.id, org_id: k.org_id, conversation_id: k.conversation_id, agent_id: k.agent_id, conversation_agent_id: c.agent_id, group_id: c.group_id,
      media: k.media, profile: k.profile, status: k.status, started_by: k.started_by, created_at: iso(k.created_at)!, answered_at: iso(k.answered_at),
      ended_at: iso(k.ended_at), ended_by: k.ended_by, end_reason: k.end_reason,
    };
  },
  /** Days a new recording of this conversation is kept: its skill group's setting, else the default. */
  async retentionDays(db: SqlExecutor, conversationId: string, fallback: number): Promise<number> {
    const c = await ConversationStore.byId(db, conversationId);
    const group = c?.group_id ? await SkillGroupSettingsStore.byId(db, c.group_id, c.org_id) : undefined;
    return group?.recording_retention_days ?? fallback;
  },
};

export const MarkStore = {
  async add(tx: SqlExecutor, m: { orgId: string; callId: string; atMs: number; label: string; createdBy: string | null }): Promise<MarkRow> {
    const [row] = await tx.query<MarkRow>(
      'insert into call_marks (id, org_id, call_id, at_ms, label, created_by) values ($1, $2, $3, $4, $5, $6) returning *',
      [randomUUID(), m.orgId, m.callId, m.atMs, m.label, m.createdBy],
    );
    return num(row!, 'at_ms');
  },
  async forCall(db: SqlExecutor, callId: string): Promise<MarkRow[]> {
    const rows = await db.query<MarkRow>('select * from call_marks where call_id = $1 order by at_ms, created_at, id', [callId]);
    return rows.map((r) => num(r, 'at_ms'));
  },
};

export const EvidenceStore = {
  async create(tx: SqlExecutor, e: Omit<EvidenceRow, 'deleted_at'>): Promise<EvidenceRow> {
    const [row] = await tx.query<EvidenceRow>(
      `insert into evidence_packages (id, org_id, call_id, storage_key, size, sha256, manifest_sha256, key_id, created_by, created_at, retention_until)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning *`,
      [e.id, e.org_id, e.call_id, e.storage_key, e.size, e.sha256, e.manifest_sha256, e.key_id, e.created_by, e.created_at, e.retention_until],
    );
    return num(row!, 'size');
  },
  async byId(db: SqlExecutor, id: string): Promise<EvidenceRow | undefined> {
    const [row] = await db.query<EvidenceRow>('select * from evidence_packages where id::text = $1', [id]);
    return row && num(row, 'size');
  },
  async lockDue(tx: SqlExecutor, now: Date, limit: number, orgId: string | null): Promise<EvidenceRow[]> {
    const rows = await tx.query<EvidenceRow>(
      `select * from evidence_packages where deleted_at is null and retention_until <= $1 and ($3::uuid is null or org_id = $3)
       order by retention_until, id limit $2 for update skip locked`,
      [now.toISOString(), limit, orgId],
    );
    return rows.map((r) => num(r, 'size'));
  },
  async markDeleted(tx: SqlExecutor, ids: string[], now: Date, reason: string): Promise<void> {
    if (ids.length === 0) return;
    await tx.query('update evidence_packages set deleted_at = $2, deleted_reason = $3 where id = any($1::uuid[])', [ids, now.toISOString(), reason]);
  },
};

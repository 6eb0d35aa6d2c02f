import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FsBlobStore } from '../adapters/fs/fs-blob-store.js';
import { PgDatabase } from '../adapters/postgres/pg-database.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import { TokenSigner } from '../identity/tokens.js';
import { describeEachDatabase, type TestDatabase } from '../test-support/databases.js';
import { AuditLog, SYSTEM_ACTOR } from '../audit/audit-log.js';
import { RecordingService } from './recording-service.js';
import { RecordingStore } from './recording-store.js';
import { RecordingUrls } from './recording-urls.js';
import { RetentionJob } from './retention-job.js';

const DAY = 86_400_000;

/** An organisation with an agent, a visitor, a conversation in a skill group, and one call. */
async function seedCall(db: Database, groupRetentionDays: number | null) {
  const orgId = randomUUID();
  await db.query(`insert into orgs (id, name, site_key, identity_secret) values ($1, 'Bank', $2, 's')`, [orgId, `site-${orgId}`]);
  const agentId = randomUUID();
  await db.query(
    `insert into agents (id, org_id, email, name, role, password_hash) values ($1, $2, $3, 'Agent', 'agent', 'x')`,
    [agentId, orgId, `${agentId}@x.io`],
  );
  const groupId = randomUUID();
  await db.query('insert into skill_groups (id, org_id, name, recording_retention_days) values ($1, $2, $3, $4)', [groupId, orgId, `g-${groupId}`, groupRetentionDays]);
  const visitorId = randomUUID();
  await db.query('insert into visitors (id, org_id) values ($1, $2)', [visitorId, orgId]);
  const conversationId = randomUUID();
  await db.query(
    `insert into conversations (id, org_id, visitor_id, agent_id, status, group_id) values ($1, $2, $3, $4, 'assigned', $5)`,
    [conversationId, orgId, visitorId, agentId, groupId],
  );
  const callId = randomUUID();
  await db.query(
    `insert into calls (id, org_id, conversation_id, media, profile, status, started_by, agent_id, ring_expires_at)
     values ($1, $2, $3, 'video', '720p', 'ended', 'visitor', $4, now())`,
    [callId, orgId, conversationId, agentId],
  );
  return { orgId, agentId, conversationId, callId };
}

describeEachDatabase('compliance', (open) => {
  let t: TestDatabase;
  let now: number;
  const clock: Clock = { now: () => new Date(now) };
  let audit: AuditLog;
  let blobDir: string;
  beforeEach(async () => {
    t = await open();
    now = Date.UTC(2025, 0, 1);
    audit = new AuditLog(t.db, clock);
    blobDir = await mkdtemp(path.join(os.tmpdir(), 'vv-compliance-'));
  });
  afterEach(async () => {
    await t.drop();
    await rm(blobDir, { recursive: true, force: true });
  });

  const append = (orgId: string, n: number, db: Database = t.db) =>
    new AuditLog(db, clock).append({ orgId, actor: SYSTEM_ACTOR, action: 'test.append', target: { type: 'n', id: String(n) }, details: { n, nested: { z: 1, a: [n] } } });

  it('chains concurrent appends from several connections without forking', async () => {
    const { orgId } = await seedCall(t.db, null);
    const other = await seedCall(t.db, null);
    // On PostgreSQL a second pool: two processes' worth of connections racing for the head.
    const second: Database | null = t.url ? new PgDatabase(t.url, 5) : null;
    try {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => append(i % 4 === 3 ? other.orgId : orgId, i, i % 2 === 0 || !second ? t.db : second)),
      );
    } finally {
      await second?.close();
    }
    const report = await audit.verify(orgId);
    expect(report).toMatchObject({ ok: true, checked: 30, lastSeq: 30, brokenAt: null });
    expect(await audit.verify(other.orgId)).toMatchObject({ ok: true, checked: 10 });
    const entries = await audit.list(orgId, { limit: 1000 });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.prevHash)).size).toBe(30);
    expect(await audit.head(orgId)).toEqual({ seq: 30, hash: entries[29]!.hash });
  });

  it('rolls an entry back with the transaction it belongs to, leaving no gap', async () => {
    const { orgId } = await seedCall(t.db, null);
    await append(orgId, 1);
    await expect(
      t.db.transaction(async (tx) => {
        await audit.append({ orgId, actor: SYSTEM_ACTOR, action: 'test.append', details: {} }, tx);
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    await append(orgId, 2);
    expect(await audit.verify(orgId)).toMatchObject({ ok: true, lastSeq: 2 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit entries at the database', async () => {
    const { orgId } = await seedCall(t.db, null);
    await append(orgId, 1);
    await expect(t.db.query(`update audit_log set details = '{}' where org_id = $1`, [orgId])).rejects.toThrow(/append-only/);
    await expect(t.db.query('delete from audit_log where org_id = $1', [orgId])).rejects.toThrow(/append-only/);
    await expect(t.db.query('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await audit.verify(orgId)).toMatchObject({ ok: true, checked: 1 });
  });

  it('finds the first broken link after someone bypasses the trigger', async () => {
    const { orgId } = await seedCall(t.db, null);
    for (let i = 1; i <= 8; i++) await append(orgId, i);
    const bypass = async (sql: string, params: unknown[]) => {
      await t.db.query('alter table audit_log disable trigger audit_log_no_update_delete');
      await t.db.query(sql, params);
      await t.db.query('alter table audit_log enable trigger audit_log_no_update_delete');
    };
    await bypass(`update audit_log set details = '{"n": 99}' where org_id = $1 and seq = 6`, [orgId]);
    expect((await audit.verify(orgId)).brokenAt).toMatchObject({ seq: 6, reason: 'hash_mismatch' });
    await bypass('delete from audit_log where org_id = $1 and seq = 3', [orgId]);
    expect((await audit.verify(orgId)).brokenAt).toMatchObject({ seq: 4, reason: 'seq_gap' });
    expect((await audit.verify(orgId)).checked).toBe(2);
  });

  it('notices the newest entries cut off', async () => {
    const { orgId } = await seedCall(t.db, null);
    for (let i = 1; i <= 5; i++) await append(orgId, i);
    await t.db.query('alter table audit_log disable trigger audit_log_no_update_delete');
    await t.db.query('delete from audit_log where org_id = $1 and seq > 3', [orgId]);
    expect((await audit.verify(orgId)).brokenAt).toMatchObject({ seq: 4, reason: 'head_mismatch' });
  });

  const service = (blobs = new FsBlobStore(blobDir)) =>
    new RecordingService(t.db, blobs, audit, new RecordingUrls(new TokenSigner('k'.repeat(32)), () => now), clock, {
      maxBytes: 1024 * 1024,
      defaultRetentionDays: 180,
    });

  it('registers recordings with size, hash and the retention of their skill group, audited', async () => {
    const short = await seedCall(t.db, 30);
    const dflt = await seedCall(t.db, null);
    const svc = service();
    const a = await svc.register({ callId: short.callId, kind: 'composite', mime: 'video/webm;codecs=vp8,opus', durationMs: 1000 }, Readable.from([Buffer.from('abc')]));
    const b = await svc.register({ callId: dflt.callId, kind: 'participant', party: 'visitor', mime: 'audio/ogg' }, Readable.from([Buffer.from('defg')]));
    expect(a).toMatchObject({ size: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', kind: 'composite', party: null });
    expect(new Date(a.retentionUntil).getTime() - now).toBe(30 * DAY);
    expect(new Date(b.retentionUntil).getTime() - now).toBe(180 * DAY);
    const [entry] = await audit.list(short.orgId);
    expect(entry).toMatchObject({ action: 'recording.register', target: { type: 'recording', id: a.id }, details: { sha256: a.sha256, size: 3 } });

    await expect(svc.register({ callId: short.callId, kind: 'composite', party: 'agent', mime: 'video/webm' }, Readable.from([]))).rejects.toThrow(/party/);
    await expect(svc.register({ callId: short.callId, kind: 'snapshot', party: 'visitor', mime: 'video/webm' }, Readable.from([]))).rejects.toThrow(/not accepted/);
    await expect(svc.register({ callId: randomUUID(), kind: 'composite', mime: 'video/webm' }, Readable.from([]))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      svc.register({ callId: short.callId, kind: 'composite', mime: 'video/webm' }, Readable.from([Buffer.alloc(1024 * 1024 + 1)])),
    ).rejects.toThrow(/exceeds/);
    expect(await RecordingStore.forCall(t.db, short.callId)).toHaveLength(1);
  });

  it('deletes expired media on schedule, marks the rows, audits what it deleted, and is idempotent', async () => {
    const short = await seedCall(t.db, 1);
    const long = await seedCall(t.db, null);
    const svc = service();
    const gone = await svc.register({ callId: short.callId, kind: 'snapshot', party: 'visitor', mime: 'image/jpeg' }, Readable.from([Buffer.from('jpg')]));
    const kept = await svc.register({ callId: long.callId, kind: 'composite', mime: 'video/mp4' }, Readable.from([Buffer.from('mp4')]));
    const errors: unknown[] = [];
    const job = new RetentionJob(t.db, new FsBlobStore(blobDir), audit, clock, (e) => errors.push(e));
    expect(await job.run()).toEqual({ recordings: 0, evidencePackages: 0 });

    now += 2 * DAY;
    expect(await job.run()).toEqual({ recordings: 1, evidencePackages: 0 });
    const deleted = await RecordingStore.byId(t.db, gone.id);
    expect(deleted).toMatchObject({ deleted_reason: 'retention' });
    expect(new Date(deleted!.deleted_at!).getTime()).toBe(now);
    expect(await RecordingStore.byId(t.db, kept.id)).toMatchObject({ deleted_at: null });
    await expect(stat(path.join(blobDir, 'recordings', short.orgId, short.callId, gone.id))).rejects.toThrow();
    await stat(path.join(blobDir, 'recordings', long.orgId, long.callId, kept.id));
    const purge = (await audit.list(short.orgId)).find((e) => e.action === 'retention.purge');
    expect(purge).toMatchObject({ actor: { kind: 'system', id: null }, details: { recordings: [{ id: gone.id, sha256: gone.sha256, kind: 'snapshot' }] } });
    expect(await audit.verify(short.orgId)).toMatchObject({ ok: true });
    expect((await audit.list(long.orgId)).map((e) => e.action)).toEqual(['recording.register']);

    expect(await job.run()).toEqual({ recordings: 0, evidencePackages: 0 });
    now += 200 * DAY;
    expect(await job.run({ actor: { kind: 'agent', id: long.agentId }, orgId: short.orgId })).toEqual({ recordings: 0, evidencePackages: 0 });
    expect(await job.run({ actor: { kind: 'agent', id: long.agentId }, orgId: long.orgId })).toEqual({ recordings: 1, evidencePackages: 0 });
    expect(errors).toEqual([]);
  });
});

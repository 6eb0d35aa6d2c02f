import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPackage, verifyPackage } from '../src/recording/evidence-verify.js';
import { publicKeyFromPem } from '../src/recording/evidence-keys.js';
// The answers are parsed with their protocol schemas: a drift between server and schema fails here.
import {
  AuditEntriesAnswer, AuditVerifyAnswer, CompliancePublicKey, EvidenceExport, MarkAnswer, MarksAnswer, RecordingRetention,
  RecordingRetentionRunAnswer, RecordingsAnswer, SignedUrl, type RecordingView,
} from '@visavis/protocol';
import { api, recordedCall, whileRecording } from './compliance-fixtures.js';
import { startTestServer, type TestServer } from './support.js';

describe('recordings, audit and evidence over HTTP', () => {
  let t: TestServer;
  let fx: Awaited<ReturnType<typeof recordedCall>>;
  let rec: RecordingView;
  const media = randomBytes(10_000);
  beforeAll(async () => {
    t = await startTestServer();
    fx = await recordedCall(t);
    rec = await t.server.compliance.recordings.register(
      { callId: fx.callId, kind: 'composite', mime: 'video/webm', durationMs: 5000 },
      Readable.from([media]),
    );
  }, 60_000);
  afterAll(async () => {
    fx?.close();
    await t?.stop();
  }, 30_000);

  const audits = async (action: string) =>
    (await t.server.db.query<{ n: number }>('select count(*)::int as n from audit_log where action = $1', [action]))[0]!.n;
  const playUrl = async (cookie: string, mode: 'play' | 'download' = 'play') => {
    const res = await api(t, cookie).post(`/api/recordings/${rec.id}/url`, { mode });
    expect(res.status).toBe(200);
    return SignedUrl.parse(await res.json()).url;
  };

  it('lists a call recording to its agent and supervisors, to nobody else', async () => {
    const list = await api(t, fx.cookies.agent1).get(`/api/calls/${fx.callId}/recordings`);
    expect(list.status).toBe(200);
    expect(RecordingsAnswer.parse(await list.json()).recordings).toEqual([
      expect.objectContaining({ id: rec.id, size: media.length, kind: 'composite', deletedAt: null }),
    ]);
    const byConversation = await api(t, fx.cookies.supervisor).get(`/api/conversations/${fx.conversationId}/recordings`);
    expect(RecordingsAnswer.parse(await byConversation.json()).recordings.map((r) => r.id)).toEqual([rec.id]);

    // An agent who never had this conversation: as if it did not exist.
    expect((await api(t, fx.cookies.agent2).get(`/api/calls/${fx.callId}/recordings`)).status).toBe(404);
    expect((await api(t, fx.cookies.agent2).get(`/api/conversations/${fx.conversationId}/recordings`)).status).toBe(404);
    expect((await api(t, fx.cookies.agent2).post(`/api/recordings/${rec.id}/url`)).status).toBe(404);
    // The visitor of this very call: never.
    expect((await api(t, fx.visitorToken).get(`/api/calls/${fx.callId}/recordings`)).status).toBe(403);
    expect((await api(t, fx.visitorToken).post(`/api/recordings/${rec.id}/url`)).status).toBe(403);
    expect((await api(t, null).post(`/api/recordings/${rec.id}/url`)).status).toBe(401);
  });

  it('plays through a signed link with byte ranges, auditing every request', async () => {
    const before = await audits('recording.play');
    const url = await playUrl(fx.cookies.supervisor);
    const sup = api(t, fx.cookies.supervisor);

    const full = await sup.get(url);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-length')).toBe(String(media.length));
    expect(full.headers.get('content-type')).toBe('video/webm');
    expect(full.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await full.arrayBuffer()).equals(media)).toBe(true);

    const part = await sup.get(url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${media.length}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await part.arrayBuffer()).equals(media.subarray(100, 200))).toBe(true);

    const tail = await sup.get(url, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(media.subarray(media.length - 10))).toBe(true);

    const open = await sup.get(url, { range: `bytes=${media.length - 5}-` });
    expect(open.headers.get('content-range')).toBe(`bytes ${media.length - 5}-${media.length - 1}/${media.length}`);
    await open.arrayBuffer();

    const beyond = await sup.get(url, { range: `bytes=${media.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${media.length}`);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');

    // A stale If-Range means "the whole file".
    const stale = await sup.get(url, { range: 'bytes=0-9', 'if-range': '"0000"' });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    expect(await audits('recording.play')).toBe(before + 5);
    const entries = await t.server.compliance.audit.list(fx.orgId, { targetType: 'recording', targetId: rec.id, limit: 1000 });
    expect(entries.filter((e) => e.action === 'recording.play').map((e) => (e.details as { range: string | null }).range)).toEqual(
      [null, 'bytes=100-199', `bytes=${media.length - 10}-${media.length - 1}`, `bytes=${media.length - 5}-${media.length - 1}`, null],
    );
  });

  it('refuses expired, tampered, foreign and repurposed links with 403', async () => {
    const url = await playUrl(fx.cookies.supervisor);
    const sup = api(t, fx.cookies.supervisor);
    const u = new URL(url, t.url);
    const sig = u.searchParams.get('sig')!;
    const before = await audits('recording.play');

    const tampered = url.replace(`sig=${sig}`, `sig=${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
    expect((await sup.get(tampered)).status).toBe(403);
    const expired = `/api/recordings/${rec.id}/media?mode=play&exp=1000&sig=${sig}`;
    expect((await sup.get(expired)).status).toBe(403);
    // Minted for the supervisor: useless with anyone else's session, or none.
    expect((await api(t, fx.cookies.agent1).get(url)).status).toBe(403);
    expect((await api(t, null).get(url)).status).toBe(401);
    // A play link is not a download link, and no recording link opens as a chat attachment.
    expect((await sup.get(url.replace('mode=play', 'mode=download'))).status).toBe(403);
    expect((await sup.get(`/api/blobs/${rec.id}?exp=${u.searchParams.get('exp')}&sig=${sig}`)).status).toBe(403);
    expect(await audits('recording.play')).toBe(before);

    const download = await sup.get(await playUrl(fx.cookies.supervisor, 'download'));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="recording-.*\.webm"$/);
    await download.arrayBuffer();
  });

  it('keeps an audit chain that verifies, with logins and admin changes in it', async () => {
    expect(await audits('agent.login')).toBeGreaterThanOrEqual(4);
    const admin = api(t, fx.cookies.admin);
    const [group] = await t.server.db.query<{ id: string }>('select id from skill_groups where org_id = $1 order by name limit 1', [fx.orgId]);
    expect((await admin.put(`/api/admin/skill-groups/${group!.id}/recording-retention`, { days: 365 })).status).toBe(204);
    expect((await api(t, fx.cookies.supervisor).put(`/api/admin/skill-groups/${group!.id}/recording-retention`, { days: 1 })).status).toBe(403);
    const policy = RecordingRetention.parse(await (await admin.get('/api/admin/recording-retention')).json());
    expect(policy.defaultDays).toBe(180);
    expect(policy.groups.find((g) => g.id === group!.id)?.days).toBe(365);

    const res = await admin.get('/api/admin/audit/verify');
    expect(res.status).toBe(200);
    const { report } = AuditVerifyAnswer.parse(await res.json());
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(10);
    expect((await api(t, fx.cookies.supervisor).get('/api/admin/audit/verify')).status).toBe(403);
    const list = AuditEntriesAnswer.parse(await (await admin.get('/api/admin/audit?limit=1000')).json());
    expect(list.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['agent.login', 'recording.register', 'recording.play', 'retention.policy_changed']));
  });

  it('takes script marks from the call agent, not from others, and only inside the live recording', async () => {
    const mark = (cookie: string, body: object) => api(t, cookie).post(`/api/calls/${fx.callId}/marks`, body);
    await whileRecording(t, fx.callId, async () => {
      const res = await mark(fx.cookies.agent1, { atMs: 12_000, label: 'Risk disclosure read out' });
      expect(res.status).toBe(200);
      expect(MarkAnswer.parse(await res.json()).mark).toMatchObject({ atMs: 12_000, label: 'Risk disclosure read out' });
      expect((await mark(fx.cookies.agent2, { atMs: 1, label: 'x' })).status).toBe(404);
      expect((await mark(fx.cookies.agent1, { atMs: -1, label: 'x' })).status).toBe(422);
      // 60 s are recorded so far: a mark ten minutes in is outside the recording.
      const future = await mark(fx.cookies.agent1, { atMs: 600_000, label: 'x' });
      expect(future.status).toBe(409);
      expect(((await future.json()) as { error: { code: string } }).error.code).toBe('MARK_OUTSIDE_RECORDING');
    });
    // The call has ended: no more marks, with or without a time.
    for (const body of [{ atMs: 1_000, label: 'late' }, { label: 'late' }]) {
      const late = await mark(fx.cookies.agent1, body);
      expect(late.status).toBe(409);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe('MARK_OUTSIDE_RECORDING');
    }
    const marks = MarksAnswer.parse(await (await api(t, fx.cookies.supervisor).get(`/api/calls/${fx.callId}/marks`)).json());
    expect(marks.marks.map((m) => m.label)).toEqual(['Risk disclosure read out']);
  });

  it('exports a signed evidence package to supervisors only, downloadable once signed for them', async () => {
    expect((await api(t, fx.cookies.agent1).post(`/api/calls/${fx.callId}/evidence`)).status).toBe(403);
    expect((await api(t, fx.cookies.agent2).post(`/api/calls/${fx.callId}/evidence`)).status).toBe(404);
    const res = await api(t, fx.cookies.supervisor).post(`/api/calls/${fx.callId}/evidence`);
    expect(res.status).toBe(200);
    const { url, package: pkg } = EvidenceExport.parse(await res.json());
    expect((await api(t, fx.cookies.admin).get(url)).status).toBe(403);
    const tar = await api(t, fx.cookies.supervisor).get(url);
    expect(tar.status).toBe(200);
    expect(tar.headers.get('content-type')).toBe('application/x-tar');
    const bytes = Buffer.from(await tar.arrayBuffer());
    expect(bytes.length).toBe(pkg.size);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'vv-evidence-'));
    try {
      const file = path.join(dir, 'p.tar');
      await writeFile(file, bytes);
      const key = CompliancePublicKey.parse(await (await api(t, null).get('/api/compliance/public-key')).json());
      const report = await verifyPackage(await openPackage(file), publicKeyFromPem(key.publicKeyPem));
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.files.map((f) => f.path)).toEqual(expect.arrayContaining(['transcript.txt', 'transcript.json', 'marks.json', `media/composite-all-${rec.id}.webm`]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(await audits('evidence.export')).toBe(1);
    expect(await audits('evidence.download')).toBe(1);
  });

  it('answers 410 for a recording deleted by retention, and keeps listing it', async () => {
    const gone = await t.server.compliance.recordings.register(
      { callId: fx.callId, kind: 'snapshot', party: 'visitor', mime: 'image/png' },
      Readable.from([Buffer.from('png')]),
    );
    await t.server.db.query(`update recordings set retention_until = now() - interval '1 day' where id = $1`, [gone.id]);
    const run = await api(t, fx.cookies.admin).post('/api/admin/retention/run');
    expect(RecordingRetentionRunAnswer.parse(await run.json()).result.recordings).toBe(1);
    const res = await api(t, fx.cookies.supervisor).post(`/api/recordings/${gone.id}/url`);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RECORDING_DELETED');
    const list = RecordingsAnswer.parse(await (await api(t, fx.cookies.supervisor).get(`/api/calls/${fx.callId}/recordings`)).json());
    expect(list.recordings.find((r) => r.id === gone.id)).toMatchObject({ deletedReason: 'retention' });
  });

  it('refuses to package a recording whose stored file changed since it was registered', async () => {
    const victim = await t.server.compliance.recordings.register(
      { callId: fx.callId, kind: 'participant', party: 'visitor', mime: 'video/webm' },
      Readable.from([randomBytes(2048)]),
    );
    const file = path.join(t.dataDir, 'blobs', 'recordings', fx.orgId, fx.callId, victim.id);
    const b = await readFile(file);
    b[100] = b[100]! ^ 0xff;
    await writeFile(file, b);
    const packagesBefore = (await t.server.db.query('select id from evidence_packages')).length;
    const res = await api(t, fx.cookies.supervisor).post(`/api/calls/${fx.callId}/evidence`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'INTEGRITY_CHECK_FAILED',
      message: expect.stringContaining(victim.id),
    });
    expect(await audits('evidence.integrity_failure')).toBe(1);
    expect((await t.server.db.query('select id from evidence_packages')).length).toBe(packagesBefore);
    expect((await t.server.compliance.audit.verify(fx.orgId)).ok).toBe(true);
  });
});

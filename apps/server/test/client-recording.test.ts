import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientRecordingChunkAnswer, ClientRecordingFinishAnswer, type CallJoinInfo, type CallView } from '@visavis/protocol';
import type { ServerOverrides } from '../src/server.js';
import { agentLogin, assignedConversation, MemoryRooms, startTestServer, waitFor, type TestServer } from './support.js';

const MIME = 'video/webm;codecs=vp8,opus';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('client-side recording: chunked upload from the agent browser', () => {
  let t: TestServer;
  const conns: { close(): void }[] = [];
  afterEach(async () => {
    for (const c of conns.splice(0)) c.close();
    await t?.stop();
  }, 30_000);

  /** A live call between agent1 and a visitor whose conversation's skill group records with `mode`. */
  async function liveCall(mode: 'off' | 'on' | 'mandatory' = 'on', overrides: ServerOverrides['clientRecording'] = {}) {
    t = await startTestServer({}, { callRooms: new MemoryRooms(), clientRecording: { chunkMaxBytes: 256 * 1024, ...overrides } });
    const { cookie, agent, visitor, visitorToken, conversation } = await assignedConversation(t, { subscribe: false });
    conns.push(agent.conn, visitor.conn);
    // The policy is the skill group's: put the conversation in a group that records.
    const [group] = await t.server.db.query<{ id: string }>(`select id from skill_groups order by name limit 1`);
    await t.server.db.query(`update skill_groups set recording_mode = $2 where id = $1`, [group!.id, mode]);
    await t.server.db.query(`update conversations set group_id = $2 where id = $1`, [conversation.id, group!.id]);
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await agent.conn.request<{ join: CallJoinInfo }>({ type: 'call.accept', callId: call.id });
    return { cookie, agent, visitorToken, callId: call.id, conversationId: conversation.id };
  }

  const put = (callId: string, seq: number, body: Buffer, auth: Record<string, string>, type = MIME) =>
    fetch(`${t.url}/api/calls/${callId}/client-recording/chunks/${seq}`, { method: 'PUT', headers: { ...auth, 'content-type': type }, body: new Uint8Array(body) });
  const finish = (callId: string, auth: Record<string, string>, body: object = {}) =>
    fetch(`${t.url}/api/calls/${callId}/client-recording/finish`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const code = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;

  interface Rec { id: string; kind: string; party: string | null; size: number; sha256: string; mime: string; durationMs: number | null }
  async function clientRecordings(callId: string, cookie: string): Promise<Rec[]> {
    const r = await fetch(`${t.url}/api/calls/${callId}/recordings`, { headers: { cookie } });
    return ((await r.json()) as { recordings: Rec[] }).recordings.filter((x) => x.kind === 'client');
  }
  async function bytesOf(rec: Rec, cookie: string): Promise<Buffer> {
    const r = await fetch(`${t.url}/api/recordings/${rec.id}/url`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'download' }),
    });
    const { url } = (await r.json()) as { url: string };
    const media = await fetch(new URL(url, t.url), { headers: { cookie } });
    expect(media.status).toBe(200);
    return Buffer.from(await media.arrayBuffer());
  }

  it('joins chunks sent out of order into one recording, in seq order, with its sha256; resends are idempotent', async () => {
    const { cookie, callId } = await liveCall();
    const auth = { cookie };
    // Larger than Fastify's 64 KiB JSON body limit, which a raw chunk must not be held to.
    const chunks = [randomBytes(200_000), randomBytes(3), randomBytes(20_000)];
    for (const seq of [2, 0, 1]) expect((await put(callId, seq, chunks[seq]!, auth)).status).toBe(201);
    // The same bytes again (a retry whose answer was lost): fine; other bytes under a stored seq: conflict.
    const again = await put(callId, 1, chunks[1]!, auth);
    expect(again.status).toBe(200);
    // Answers parsed with their protocol schemas: a drift between server and schema fails here.
    expect(ClientRecordingChunkAnswer.parse(await again.json()).chunk.duplicate).toBe(true);
    const other = await put(callId, 1, randomBytes(3), auth);
    expect(other.status).toBe(409);
    expect(await code(other)).toBe('INVALID_TRANSITION');
    const [uploads] = await t.server.db.query<{ n: number }>(`select count(*)::int as n from client_recording_chunks where call_id = $1`, [callId]);
    expect(uploads!.n).toBe(3);

    const startedAt = new Date(Date.now() - 5000).toISOString();
    const done = await finish(callId, auth, { mime: MIME, startedAt, durationMs: 5000 });
    expect(done.status).toBe(200);
    const result = ClientRecordingFinishAnswer.parse(await done.json());
    expect(result.state).toBe('finished');
    const whole = Buffer.concat(chunks);
    expect(result.recording).toMatchObject({ kind: 'client', party: 'agent', mime: MIME, size: whole.length, sha256: sha(whole), durationMs: 5000 });

    // Finishing again answers the same recording; one recording in the catalog, its bytes the chunks in seq order.
    const twice = (await (await finish(callId, auth)).json()) as { recording: Rec };
    expect(twice.recording.id).toBe(result.recording!.id);
    const recs = await clientRecordings(callId, cookie);
    expect(recs).toHaveLength(1);
    const got = await bytesOf(recs[0]!, cookie);
    expect(got.equals(whole)).toBe(true);
    expect(sha(got)).toBe(recs[0]!.sha256);

    // The chunk blobs are gone; a resend of a stored chunk after finishing is still harmless, a new one is refused.
    const [left] = await t.server.db.query<{ n: number }>(
      `select count(*)::int as n from client_recording_chunks where call_id = $1 and storage_key is not null`,
      [callId],
    );
    expect(left!.n).toBe(0);
    expect((await put(callId, 0, chunks[0]!, auth)).status).toBe(200);
    const late = await put(callId, 3, randomBytes(10), auth);
    expect(late.status).toBe(409);
    expect(await code(late)).toBe('INVALID_TRANSITION');
    // The registration is in the audit chain with the file's hash.
    const [entry] = await t.server.db.query<{ details: { sha256: string; kind: string } }>(
      `select details from audit_log where action = 'recording.register' and target_id = $1`,
      [result.recording!.id],
    );
    expect(entry!.details).toMatchObject({ kind: 'client', sha256: sha(whole) });
  });

  it('takes chunks only from the call’s agent, of the right type and size, in a recorded call', async () => {
    const { cookie, callId, visitorToken } = await liveCall();
    const other = await agentLogin(t, 'agent2@demo.visavis.local');
    const supervisor = await agentLogin(t, 'supervisor@demo.visavis.local');
    const body = randomBytes(100);
    // Another agent, even a supervisor, is told the call does not exist; a visitor may not.
    expect(await code(await put(callId, 0, body, { cookie: other }))).toBe('NOT_FOUND');
    expect(await code(await put(callId, 0, body, { cookie: supervisor }))).toBe('NOT_FOUND');
    const asVisitor = await put(callId, 0, body, { authorization: `Bearer ${visitorToken}` });
    expect(asVisitor.status).toBe(403);
    expect(await code(await put(callId, 0, body, {}))).toBe('UNAUTHENTICATED');
    expect(await code(await put(randomUUID(), 0, body, { cookie }))).toBe('NOT_FOUND');
    expect(await code(await finish(callId, { cookie: other }))).toBe('NOT_FOUND');
    // Wrong type, bad seq, too large (the test server's chunk limit is 256 KiB).
    expect(await code(await put(callId, 0, body, { cookie }, 'image/png'))).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await code(await put(callId, 0, Buffer.from('{}'), { cookie }, 'application/json'))).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await code(await put(callId, -1, body, { cookie }))).toBe('VALIDATION_FAILED');
    const big = await put(callId, 0, randomBytes(256 * 1024 + 1), { cookie });
    expect(big.status).toBe(413);
    expect(await code(big)).toBe('PAYLOAD_TOO_LARGE');
    // Nothing was stored by any of these; audio/webm is a chunk too.
    expect(await t.server.db.query(`select 1 from client_recording_chunks where call_id = $1`, [callId])).toHaveLength(0);
    expect((await put(callId, 0, body, { cookie }, 'audio/webm')).status).toBe(201);
    expect((await put(callId, 0, body, { cookie }, 'audio/webm')).status).toBe(200);
  });

  it('refuses chunks in a call whose policy is off, and when the whole upload would pass RECORDING_MAX_MB', async () => {
    const { cookie, callId } = await liveCall('off');
    const r = await put(callId, 0, randomBytes(10), { cookie });
    expect(r.status).toBe(403);
    expect(await code(await finish(callId, { cookie }))).toBe('NOT_FOUND');
    await t.stop();

    const second = await liveCall('mandatory', { totalMaxBytes: 100_000 });
    expect((await put(second.callId, 0, randomBytes(60_000), { cookie: second.cookie })).status).toBe(201);
    const over = await put(second.callId, 1, randomBytes(60_000), { cookie: second.cookie });
    expect(over.status).toBe(413);
    expect(await code(over)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('finishes an upload nobody finished after the call ended, and takes trailing chunks only for a short while', async () => {
    const { cookie, agent, callId } = await liveCall('on', { trailingMs: 1500, abandonAfterMs: 2500 });
    const chunks = [randomBytes(5000), randomBytes(7000)];
    expect((await put(callId, 0, chunks[0]!, { cookie })).status).toBe(201);
    // The call ends (the browser closed, say); the recorder's last slice still arrives just after.
    await agent.conn.request({ type: 'call.hangup', callId });
    expect((await put(callId, 1, chunks[1]!, { cookie })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1600));
    const late = await put(callId, 2, randomBytes(10), { cookie });
    expect(late.status).toBe(409);
    expect(await code(late)).toBe('CALL_NOT_RINGING');
    // Nobody calls finish: the outbox job does, once the call is 2.5 s over.
    const recs = await waitFor(async () => {
      const r = await clientRecordings(callId, cookie);
      return r.length > 0 && r;
    }, 'the abandoned upload to be finished', 20_000);
    const whole = Buffer.concat(chunks);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ kind: 'client', party: 'agent', size: whole.length, sha256: sha(whole), mime: MIME });
    expect((await bytesOf(recs[0]!, cookie)).equals(whole)).toBe(true);
    const [u] = await t.server.db.query<{ state: string; finished_by: string }>(`select state, finished_by from client_recording_uploads where call_id = $1`, [callId]);
    expect(u).toEqual({ state: 'finished', finished_by: 'system' });
    // The agent's finish arriving after that answers the same recording.
    const late2 = (await (await finish(callId, { cookie })).json()) as { recording: Rec };
    expect(late2.recording.id).toBe(recs[0]!.id);
    expect(await clientRecordings(callId, cookie)).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotAnswer, type CallView, type TimelineEvent } from '@visavis/protocol';
import { agentConnection, agentLogin, assignedConversation, MemoryRooms, startTestServer, visitorSession, waitFor, type Recorder, type TestServer } from './support.js';

/** A JPEG as far as any header reader goes: SOI, APP0, a baseline frame header, scan, EOI. */
function jpeg(width: number, height: number, padding = 0): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
    Buffer.from([0xff, 0xda, 0x00, 0x0c, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]),
    Buffer.alloc(padding, 0x55),
    Buffer.from([0xff, 0xd9]),
  ]);
}
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

const snapshotEvents = (r: Recorder, conversationId: string) =>
  r.events
    .filter((e) => e.conversationId === conversationId && e.event.type === 'call.snapshot')
    .map((e) => e.event as Extract<TimelineEvent, { type: 'call.snapshot' }>);

describe('HD snapshots (agent asks, the visitor uploads a still of its camera)', () => {
  let t: TestServer;
  const conns: { close(): void }[] = [];
  afterEach(async () => {
    for (const c of conns.splice(0)) c.close();
    await t?.stop();
  }, 30_000);

  async function liveCall(media: 'video' | 'audio' = 'video') {
    t = await startTestServer({}, { callRooms: new MemoryRooms() });
    const { cookie, agent, visitor, visitorToken, conversation } = await assignedConversation(t);
    conns.push(agent.conn, visitor.conn);
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media });
    await agent.conn.request({ type: 'call.accept', callId: call.id });
    return { agent, visitor, cookie, token: visitorToken, conversation, call };
  }

  const upload = (callId: string, requestId: string, token: string | null, body: Buffer, type = 'image/jpeg') =>
    fetch(`${t.url}/api/calls/${callId}/snapshots?requestId=${requestId}`, {
      method: 'POST',
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: new Uint8Array(body),
    });
  const codeOf = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error?: { code?: string } }).error?.code });
  const request = (r: Recorder, callId: string) => r.conn.request<{ requestId: string; expiresAt: string }>({ type: 'call.snapshot_request', callId });

  it('asks the visitor, stores the upload as a snapshot recording at its real size, and shows it to both', async () => {
    const { agent, visitor, cookie, token, conversation, call } = await liveCall();
    const { requestId, expiresAt } = await request(agent, call.id);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(50_000);
    const push = await waitFor(() => visitor.pushes.find((m) => m.type === 'call.snapshot_request'), 'the request pushed to the visitor');
    expect(push).toEqual({ type: 'call.snapshot_request', callId: call.id, requestId });
    // The agent's side is not told to take a picture.
    expect(agent.pushes.some((m) => m.type === 'call.snapshot_request')).toBe(false);

    const image = jpeg(1920, 1080, 5000);
    const res = await upload(call.id, requestId, token, image);
    expect(res.status).toBe(201);
    // Parsed with the protocol's schema: a drift between server and schema fails here.
    const { snapshot } = SnapshotAnswer.parse(await res.json());
    expect(snapshot).toMatchObject({ width: 1920, height: 1080, size: image.length });

    for (const side of [agent, visitor]) {
      const [e] = await waitFor(() => snapshotEvents(side, conversation.id).length > 0 && snapshotEvents(side, conversation.id), 'the snapshot event');
      expect(e).toEqual({ type: 'call.snapshot', callId: call.id, recordingId: snapshot.recordingId, width: 1920, height: 1080 });
    }

    // In the catalog: a visitor snapshot, its bytes as sent, and the registration audited as the visitor's.
    const list = (await (await fetch(`${t.url}/api/calls/${call.id}/recordings`, { headers: { cookie } })).json()) as {
      recordings: { id: string; kind: string; party: string; mime: string; size: number }[];
    };
    expect(list.recordings).toEqual([expect.objectContaining({ id: snapshot.recordingId, kind: 'snapshot', party: 'visitor', mime: 'image/jpeg', size: image.length })]);
    const link = (await (
      await fetch(`${t.url}/api/recordings/${snapshot.recordingId}/url`, {
        method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'play' }),
      })
    ).json()) as { url: string };
    const media = await fetch(`${t.url}${link.url}`, { headers: { cookie } });
    expect(media.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await media.arrayBuffer()).equals(image)).toBe(true);
    const [audit] = await t.server.db.query<{ actor_kind: string; details: { kind: string; size: number } }>(
      `select actor_kind, details from audit_log where action = 'recording.register' and target_id = $1`,
      [snapshot.recordingId],
    );
    expect(audit).toMatchObject({ actor_kind: 'visitor', details: { kind: 'snapshot', size: image.length } });
    const [row] = await t.server.db.query<{ recording_id: string }>('select recording_id from snapshot_requests where id = $1', [requestId]);
    expect(row!.recording_id).toBe(snapshot.recordingId);

    // The visitor still cannot read recordings.
    const denied = await fetch(`${t.url}/api/recordings/${snapshot.recordingId}/url`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}',
    });
    expect(await codeOf(denied)).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('refuses the wrong party, a missing, expired or used request, bytes that are not the type, and oversized files', async () => {
    const { agent, visitor, cookie, token, conversation, call } = await liveCall();
    const { requestId } = await request(agent, call.id);

    // Only the call's agent asks: not the visitor, a supervisor, or another agent.
    await expect(request(visitor, call.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const supervisor = agentConnection(t, await agentLogin(t, 'supervisor@demo.visavis.local'));
    const other = agentConnection(t, await agentLogin(t, 'agent2@demo.visavis.local'));
    conns.push(supervisor.conn, other.conn);
    await expect(request(supervisor, call.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(request(other, call.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Only the call's visitor uploads: not another visitor, not the agent, not anonymously.
    const stranger = await visitorSession(t);
    expect(await codeOf(await upload(call.id, requestId, stranger.visitorToken, jpeg(640, 480)))).toEqual({ status: 404, code: 'NOT_FOUND' });
    const asAgent = await fetch(`${t.url}/api/calls/${call.id}/snapshots?requestId=${requestId}`, {
      method: 'POST', headers: { cookie, 'content-type': 'image/jpeg' }, body: new Uint8Array(jpeg(640, 480)),
    });
    expect(await codeOf(asAgent)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await upload(call.id, requestId, null, jpeg(640, 480))).status).toBe(401);

    // A request that was never made (or belongs to another call) is refused.
    expect(await codeOf(await upload(call.id, crypto.randomUUID(), token, jpeg(640, 480)))).toEqual({ status: 409, code: 'SNAPSHOT_NOT_REQUESTED' });

    // Wrong bytes for the declared type, an unaccepted type, an unreadable header, too large:
    // refused without using the request up.
    expect(await codeOf(await upload(call.id, requestId, token, PNG_1x1, 'image/jpeg'))).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await codeOf(await upload(call.id, requestId, token, Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif'))).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await codeOf(await upload(call.id, requestId, token, jpeg(640, 480).subarray(0, 24)))).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await codeOf(await upload(call.id, requestId, token, jpeg(640, 480, 10 * 1024 * 1024)))).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect((await t.server.db.query(`select 1 from recordings`)).length).toBe(0);

    // A PNG is fine too; then the request is used and a second upload is refused.
    const ok = await upload(call.id, requestId, token, PNG_1x1, 'image/png');
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { snapshot: { width: number; height: number } }).snapshot).toMatchObject({ width: 1, height: 1 });
    expect(await codeOf(await upload(call.id, requestId, token, jpeg(640, 480)))).toEqual({ status: 409, code: 'SNAPSHOT_NOT_REQUESTED' });

    // An expired request is refused.
    const late = await request(agent, call.id);
    await t.server.db.query(`update snapshot_requests set expires_at = now() - interval '1 second' where id = $1`, [late.requestId]);
    expect(await codeOf(await upload(call.id, late.requestId, token, jpeg(640, 480)))).toEqual({ status: 409, code: 'SNAPSHOT_NOT_REQUESTED' });

    // After the call: no more requests.
    await agent.conn.request({ type: 'call.hangup', callId: call.id });
    await expect(request(agent, call.id)).rejects.toMatchObject({ code: 'CALL_NOT_RINGING' });
    expect(snapshotEvents(agent, conversation.id)).toHaveLength(1);
    expect((await t.server.db.query(`select 1 from recordings`)).length).toBe(1);
  });

  it('needs a video call', async () => {
    const { agent, call } = await liveCall('audio');
    await expect(request(agent, call.id)).rejects.toMatchObject({ code: 'CALL_NOT_POSSIBLE' });
  });
});

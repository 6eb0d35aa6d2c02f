import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClientMsgId } from '@visavis/client';
import type { Attachment, ConversationSummary } from '@visavis/protocol';
import { agentConnection, agentLogin, startTestServer, visitorConnection, visitorSession, waitFor, type TestServer } from './support.js';

// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function upload(t: TestServer, token: string, conversationId: string, body: Buffer, type: string, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(body)], { type }), name);
  return fetch(`${t.url}/api/uploads?conversationId=${conversationId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}

describe('files and server restarts', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  }, 60_000);
  afterAll(async () => t.stop(), 30_000);

  it('stores an image, sends it as a message and serves it only through a valid signed URL', async () => {
    const s = await visitorSession(t);
    const v = visitorConnection(t, s.visitorToken);
    const { conversation } = await v.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    const res = await upload(t, s.visitorToken, conversation.id, PNG, 'image/png', 'receipt <1>.png');
    expect(res.status).toBe(200);
    const { attachment } = (await res.json()) as { attachment: Attachment };
    expect(attachment).toMatchObject({ mime: 'image/png', size: PNG.length, name: 'receipt <1>.png' });
    const sent = await v.conn.request<{ event: { event: { kind: string; attachment: Attachment } } }>({
      type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: '', blobId: attachment.blobId,
    });
    expect(sent.event.event.kind).toBe('image');
    const file = await fetch(`${t.url}${sent.event.event.attachment.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);

    const tampered = sent.event.event.attachment.url!.replace(/sig=.{4}/, 'sig=AAAA');
    expect((await fetch(`${t.url}${tampered}`)).status).toBe(403);
    const expired = `/api/blobs/${attachment.blobId}?exp=1000&sig=${new URL(t.url + attachment.url).searchParams.get('sig')}`;
    expect((await fetch(`${t.url}${expired}`)).status).toBe(403);
    // Another visitor cannot attach this blob to anything.
    const other = await visitorSession(t);
    const vo = visitorConnection(t, other.visitorToken);
    const theirs = await vo.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    await expect(
      vo.conn.request({ type: 'message.send', conversationId: theirs.conversation.id, clientMsgId: newClientMsgId(), text: '', blobId: attachment.blobId }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await upload(t, other.visitorToken, conversation.id, PNG, 'image/png', 'x.png')).status).toBe(404);
    v.conn.close();
    vo.conn.close();
  });

  it('refuses disallowed types, content that lies about its type, and oversize files', async () => {
    const s = await visitorSession(t);
    const v = visitorConnection(t, s.visitorToken);
    const { conversation } = await v.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    const html = await upload(t, s.visitorToken, conversation.id, Buffer.from('<script>alert(1)</script>'), 'text/html', 'x.html');
    expect(html.status).toBe(415);
    const fake = await upload(t, s.visitorToken, conversation.id, Buffer.from('<svg onload=alert(1)>'), 'image/png', 'x.png');
    expect(fake.status).toBe(415);
    expect((await fake.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await upload(t, s.visitorToken, conversation.id, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), 'image/png', 'big.png');
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    const [{ n }] = (await t.server.db.query<{ n: number }>('select count(*)::int as n from blobs where conversation_id = $1', [conversation.id])) as [{ n: number }];
    expect(n).toBe(0);
    v.conn.close();
  });

  it('keeps every message across a server restart and both sides resume exactly once, in order', async () => {
    const s = await visitorSession(t);
    const v = visitorConnection(t, s.visitorToken);
    const cookie = await agentLogin(t, 'agent1@demo.visavis.local');
    const a = agentConnection(t, cookie);
    await a.conn.request({ type: 'presence.set', presence: 'online' });
    const { conversation } = await v.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    v.conn.subscribe(conversation.id, 0);
    await waitFor(() => a.pushes.some((m) => m.type === 'inbox.updated' && m.conversation.id === conversation.id), 'assigned');
    a.conn.subscribe(conversation.id, 0);
    await v.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: 'v1' });
    await a.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: 'a1' });
    await waitFor(() => v.texts().length === 2 && a.texts().length === 2, 'before restart');

    await t.restart();
    // Sent while the server is down or starting: the SDK queues it and sends it after reconnecting.
    const pending = v.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: 'v2' });
    await waitFor(() => a.conn.status === 'open' && v.conn.status === 'open', 'both reconnected', 20_000);
    await pending;
    await a.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: 'a2' });
    await waitFor(() => v.texts().length === 4 && a.texts().length === 4, 'after restart');
    expect(v.texts()).toEqual(['v1', 'a1', 'v2', 'a2']);
    expect(a.texts()).toEqual(['v1', 'a1', 'v2', 'a2']);
    const seqs = v.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    v.conn.close();
    a.conn.close();
  });
});

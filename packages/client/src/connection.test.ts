import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SequencedEvent } from '@visavis/protocol';
import type { Command } from './index.js';
import { VisavisError } from './errors.js';
import { FakeError, FakeServer, waitFor } from './testing/fake-server.js';
import { closeAll, connectTo, sleep } from './testing/harness.js';

// Real sockets on 127.0.0.1 and real timers throughout: fake timers would stall `ws` itself.
let server: FakeServer;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  closeAll();
  await server.close();
});

const send = (conversationId: string, clientMsgId: string, text = 'hello') =>
  ({ type: 'message.send', conversationId, clientMsgId, text }) as const;

describe('Connection: authentication', () => {
  it('sends the token as the first frame and is open once the server says ready', async () => {
    const o = connectTo(server);
    expect(o.c.status).toBe('connecting');
    let readyPrincipal = '';
    o.c.on('ready', (r) => (readyPrincipal = r.principalId));
    await o.open();
    expect(server.last.frames[0]).toEqual({ type: 'auth', token: 'good-token' });
    expect(o.statuses).toEqual(['open']);
    expect(readyPrincipal).toBe('visitor-1');
  });

  it('asks getToken on every (re)connect, so a renewed visitor token is used after a drop', async () => {
    const asked: number[] = [];
    const o = connectTo(server, {
      token: 'stale-token',
      getToken: async () => {
        asked.push(asked.length);
        await sleep(5);
        return 'good-token';
      },
    });
    await o.open();
    server.dropAll();
    await waitFor(() => server.connections.length === 2 && o.c.status === 'open', 'the reconnect to be open');
    expect(asked.length).toBe(2);
    expect(server.connections.map((c) => c.frames[0])).toEqual([
      { type: 'auth', token: 'good-token' },
      { type: 'auth', token: 'good-token' },
    ]);
  });

  it('sends no auth frame without a token (agents authenticate by cookie at the upgrade)', async () => {
    server.cookieAuth = true;
    const o = connectTo(server, { token: undefined });
    await o.open();
    await o.c.request({ type: 'ping' });
    expect(server.last.frames.map((f) => f.type)).toEqual(['ping']);
  });

  it('reports a rejected token as auth-failed with the code, and stops when the app closes', async () => {
    const o = connectTo(server, { token: 'stale-token' });
    o.c.on('auth-failed', () => o.c.close());
    await waitFor(() => o.authFailures.length > 0, 'auth-failed');
    expect(o.authFailures[0]).toBeInstanceOf(VisavisError);
    expect(o.authFailures[0]).toMatchObject({ code: 'INVALID_TOKEN' });
    await sleep(100);
    expect(o.c.status).toBe('closed');
    expect(server.connections).toHaveLength(1);
    expect(o.authFailures).toHaveLength(1);
  });

  it('keeps retrying after auth-failed when the app does not close (the old behaviour)', async () => {
    const o = connectTo(server, { token: 'stale-token' });
    await waitFor(() => o.authFailures.length >= 2, 'a second auth-failed');
    expect(server.connections.length).toBeGreaterThanOrEqual(2);
    expect(o.authFailures.every((e) => e.code === 'INVALID_TOKEN')).toBe(true);
  });

  it('reports auth-failed when the server ends the session (close 4001, logged out)', async () => {
    server.cookieAuth = true;
    const o = connectTo(server, { token: undefined });
    await o.open();
    server.dropAll(4001, 'logged out');
    await waitFor(() => o.authFailures.length === 1, 'auth-failed');
    expect(o.authFailures[0]!.code).toBe('UNAUTHENTICATED');
  });

  it('does not report auth-failed for an ordinary drop', async () => {
    const o = connectTo(server);
    await o.open();
    server.dropAll();
    await waitFor(() => server.connections.length === 2 && o.c.status === 'open', 'the reconnect');
    expect(o.authFailures).toEqual([]);
  });
});

describe('Connection: request and ack', () => {
  it('matches each ack to its request by rid, even when answers come out of order', async () => {
    server.handlers['conversation.start'] = async (m) => {
      if (m.type === 'conversation.start' && m.pageUrl === 'slow') await sleep(60);
      return m.type === 'conversation.start' ? { page: m.pageUrl } : null;
    };
    const o = connectTo(server);
    await o.open();
    const slow = o.c.request({ type: 'conversation.start', pageUrl: 'slow' });
    const fast = o.c.request({ type: 'conversation.start', pageUrl: 'fast' });
    const order: string[] = [];
    void slow.then(() => order.push('slow'));
    void fast.then(() => order.push('fast'));
    await expect(Promise.all([slow, fast])).resolves.toEqual([{ page: 'slow' }, { page: 'fast' }]);
    expect(order).toEqual(['fast', 'slow']);
    const rids = server.received('conversation.start').map((f) => f.rid);
    expect(new Set(rids).size).toBe(2);
  });

  it('turns an error reply into a VisavisError carrying the catalog code and message', async () => {
    server.handlers['conversation.close'] = () => {
      throw new FakeError('CONVERSATION_CLOSED', 'The conversation is closed.');
    };
    const o = connectTo(server);
    await o.open();
    const p = o.c.request({ type: 'conversation.close', conversationId: 'c1' });
    await expect(p).rejects.toBeInstanceOf(VisavisError);
    await expect(p).rejects.toMatchObject({
      code: 'CONVERSATION_CLOSED',
      message: 'The conversation is closed.',
    });
  });

  it('sends a command refused with OVERLOADED again, unchanged, after the policy’s delay, until it is carried out', async () => {
    let refusals = 2;
    server.handlers['message.send'] = () => {
      if (refusals-- > 0) throw new FakeError('OVERLOADED', 'busy', { retryAfterMs: 300 });
      return { stored: true };
    };
    const asked: { attempt: number; hintMs: number | null }[] = [];
    const o = connectTo(server, {
      overloadRetryPolicy: ({ attempt, hintMs }) => (asked.push({ attempt, hintMs }), 5),
    });
    await o.open();
    await expect(o.c.request(send('c1', 'm-1'))).resolves.toEqual({ stored: true });
    expect(asked).toEqual([{ attempt: 1, hintMs: 300 }, { attempt: 2, hintMs: 300 }]);
    const sent = server.received('message.send');
    expect(sent.length).toBe(3);
    expect(new Set(sent.map((f) => JSON.stringify(f))).size).toBe(1);
  });

  it('rejects with OVERLOADED when the retry policy gives up', async () => {
    server.handlers['message.send'] = () => {
      throw new FakeError('OVERLOADED', 'busy', { retryAfterMs: 300 });
    };
    const o = connectTo(server, { overloadRetryPolicy: ({ attempt }) => (attempt < 3 ? 1 : null) });
    await o.open();
    await expect(o.c.request(send('c1', 'm-1'))).rejects.toMatchObject({ code: 'OVERLOADED' });
    expect(server.received('message.send').length).toBe(3);
  });

  it('resolves ping on pong (commands are typed by the exported Command)', async () => {
    const o = connectTo(server);
    await o.open();
    const ping: Command = { type: 'ping' };
    await expect(o.c.request(ping)).resolves.toBeUndefined();
  });

  it('rejects with TIMEOUT when the server never answers', async () => {
    server.unanswered.add('typing.set');
    const o = connectTo(server, { requestTimeoutMs: 80 });
    await o.open();
    await expect(
      o.c.request({ type: 'typing.set', conversationId: 'c1', typing: true }),
    ).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });

  it('rejects pending requests, and any made later, with DISCONNECTED after close()', async () => {
    server.unanswered.add('conversation.close');
    const o = connectTo(server);
    await o.open();
    const pending = o.c.request({ type: 'conversation.close', conversationId: 'c1' });
    await waitFor(() => server.received('conversation.close').length === 1, 'the close command');
    o.c.close();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await expect(o.c.request({ type: 'ping' })).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(o.statuses.at(-1)).toBe('closed');
    await sleep(60);
    expect(server.connections).toHaveLength(1);
  });
});

describe('Connection: commands while offline', () => {
  it('holds commands made before ready and sends each exactly once after ready', async () => {
    server.holdReady = true;
    const o = connectTo(server);
    await waitFor(() => server.connections[0]?.frames.length === 1, 'the auth frame');
    const a = o.c.request<{ event: SequencedEvent }>(send('c1', 'queued-00001', 'one'));
    const b = o.c.request<{ event: SequencedEvent }>(send('c1', 'queued-00002', 'two'));
    await sleep(50);
    expect(server.last.frames.map((f) => f.type)).toEqual(['auth']);
    server.releaseReady();
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra.event.seq, rb.event.seq]).toEqual([1, 2]);
    expect(server.received('message.send').map((f) => f.clientMsgId)).toEqual([
      'queued-00001',
      'queued-00002',
    ]);
  });

  it('queues commands while reconnecting and sends each exactly once on the new socket', async () => {
    const o = connectTo(server, { reconnectPolicy: () => 150 });
    await o.open();
    server.dropAll();
    await waitFor(() => o.c.status === 'reconnecting', 'reconnecting');
    const sent = o.c.request<{ event: SequencedEvent }>(send('c1', 'offline-0001'));
    const pinged = o.c.request({ type: 'ping' });
    await expect(sent).resolves.toMatchObject({ event: { seq: 1 } });
    await pinged;
    await sleep(50);
    expect(server.connections[0]!.frames.filter((f) => f.type !== 'auth')).toEqual([]);
    expect(server.connections[1]!.frames.map((f) => f.type)).toEqual(['auth', 'message.send', 'ping']);
    expect(o.statuses).toEqual(['open', 'reconnecting', 'open']);
  });

  it('resends a command that was in flight when the socket dropped; the send stays idempotent', async () => {
    server.unanswered.add('message.send');
    const o = connectTo(server);
    await o.open();
    const sent = o.c.request<{ event: SequencedEvent }>(send('c1', 'inflight-001'));
    await waitFor(() => server.received('message.send').length === 1, 'the first send');
    server.unanswered.delete('message.send');
    server.dropAll();
    const { event } = await sent;
    // The server processed it on the old socket without answering, then again on the new one:
    // the client message id makes the second a no-op that answers the stored event.
    const sends = server.received('message.send');
    expect(sends.map((f) => f.clientMsgId)).toEqual(['inflight-001', 'inflight-001']);
    expect(server.connections[1]!.frames.filter((f) => f.type === 'message.send')).toHaveLength(1);
    expect(event.seq).toBe(1);
  });
});

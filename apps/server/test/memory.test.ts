import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Connection, type WebSocketLike } from '@visavis/client';
import { assignedConversation, rawSocket, Recorder, startTestServer, waitFor, type TestServer } from './support.js';

const HISTORY = 600;
const SUBSCRIBES = 40;
const LIVE_WHILE_SLOW = 20;
/** Text per message: 600 of them are ~2 MB of history, so 40 unthrottled replays would be ~80 MB. */
const TEXT = 'x'.repeat(3000);
/**
 * The RSS growth allowed while the slow reader asks for 40 replays. Without flow control (the
 * buffer limits set to 1 GiB) this run grew by ~154 MiB; with it, ~2 MiB: a connection holds at
 * most WS_SEND_BUFFER_KIB (1 MiB) plus one page of unread output before its replays wait.
 */
const RSS_BOUND_MIB = 40;

const mib = (bytes: number) => bytes / 1024 / 1024;

/**
 * Slow readers and amplification (issue 10, weakness 3): a socket that stops reading and asks for
 * the whole history again and again must not grow the server's memory, is closed as a slow
 * consumer (4008), and after reconnecting resumes by seq with every event exactly once.
 */
describe('a slow reader repeating subscribes', () => {
  let t: TestServer;
  const closers: (() => void)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) c();
    await t?.stop();
  }, 30_000);

  it(`stays under +${RSS_BOUND_MIB} MiB RSS, is closed with 4008, and resumes every event exactly once`, async () => {
    t = await startTestServer({ WS_SLOW_CONSUMER_SECONDS: '2', WS_MESSAGES_PER_SECOND: '1000' });
    const { agent, visitorToken, conversation } = await assignedConversation(t, { subscribe: false });
    closers.push(() => agent.conn.close());
    const conv = conversation.id;
    for (let i = 0; i < HISTORY; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          agent.conn.request({ type: 'message.send', conversationId: conv, clientMsgId: `history-${i + j}`, text: `${i + j} ${TEXT}` }),
        ),
      );
    }

    // The visitor's SDK connection over sockets the test can stop reading from.
    const sockets: WebSocket[] = [];
    const closeCodes: number[] = [];
    const rawEventFrames: number[] = [];
    const conn = new Connection({
      url: t.wsUrl,
      token: visitorToken,
      reconnectPolicy: () => 50,
      createSocket: (url) => {
        const ws = new WebSocket(url);
        const index = sockets.push(ws) - 1;
        rawEventFrames[index] = 0;
        ws.on('message', (d) => {
          if (String(d).startsWith('{"type":"conversation.event"')) rawEventFrames[index]! += 1;
        });
        ws.on('close', (code) => closeCodes.push(code));
        return ws as unknown as WebSocketLike;
      },
    });
    closers.push(() => conn.close());
    // A paused socket never reads a close handshake: end every socket outright after the test.
    closers.push(() => sockets.forEach((ws) => ws.terminate()));
    const visitor = new Recorder(conn);
    await waitFor(() => conn.status === 'open', 'visitor connected');
    const slow = sockets[0]!;
    const tcp = (slow as unknown as { _socket: Socket })._socket;

    await new Promise((r) => setTimeout(r, 500));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    tcp.pause(); // stops reading: what the server sends piles up on its side
    conn.subscribe(conv, 0);
    for (let i = 0; i < SUBSCRIBES; i++) slow.send(JSON.stringify({ type: 'conversation.subscribe', rid: `again-${i}`, conversationId: conv, afterSeq: 0 }));
    // Live events keep coming while the reader is stalled; they must arrive after the resume too.
    for (let i = 0; i < LIVE_WHILE_SLOW; i++) {
      await agent.conn.request({ type: 'message.send', conversationId: conv, clientMsgId: `live-msg-${i}`, text: `live ${i}` });
    }
    // Longer than WS_SLOW_CONSUMER_SECONDS: the stalled replays give up and close the socket.
    await new Promise((r) => setTimeout(r, 3500));
    clearInterval(sampler);
    const growth = mib(peak - before);
    console.log(`slow reader: RSS +${growth.toFixed(1)} MiB (bound ${RSS_BOUND_MIB} MiB)`);
    expect(growth).toBeLessThan(RSS_BOUND_MIB);

    tcp.resume();
    await waitFor(() => closeCodes.length > 0, 'the slow socket closed');
    expect(closeCodes[0]).toBe(4008);

    const [{ max }] = (await t.server.db.query<{ max: number }>('select max(seq)::int as max from conversation_events where conversation_id = $1', [conv])) as [
      { max: number },
    ];
    await waitFor(() => conn.lastSeq(conv) === max, 'resumed up to the last event after reconnecting', 20_000);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    const seqs = visitor.events.filter((e) => e.conversationId === conv).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: max }, (_, i) => i + 1));
    const texts = visitor.texts(conv);
    expect(texts.filter((x) => x.endsWith(TEXT))).toHaveLength(HISTORY);
    expect(texts.filter((x) => x.startsWith('live '))).toEqual(Array.from({ length: LIVE_WHILE_SLOW }, (_, i) => `live ${i}`));
    // The 41 subscribes did not turn into 41 replays: the stalled socket got a bounded share.
    console.log(`event frames on the slow socket: ${rawEventFrames[0]}, on the next: ${rawEventFrames[1]}`);
    expect(rawEventFrames[0]!).toBeLessThan(HISTORY * 5);
  }, 90_000);

  it('refuses connections over WS_MAX_CONNECTIONS_PER_IP with 4029 TOO_MANY_CONNECTIONS, and admits again after one closes', async () => {
    t = await startTestServer({ WS_MAX_CONNECTIONS_PER_IP: '3' });
    const open = await Promise.all([rawSocket(t), rawSocket(t), rawSocket(t)]);
    closers.push(() => open.forEach((s) => s.ws.terminate()));
    const refused = await rawSocket(t);
    expect(await refused.closed).toBe(4029);
    expect(refused.received).toEqual([expect.objectContaining({ type: 'error', code: 'TOO_MANY_CONNECTIONS' })]);
    open[0]!.ws.close();
    await open[0]!.closed;
    const again = await rawSocket(t);
    closers.push(() => again.ws.terminate());
    again.ws.send(JSON.stringify({ type: 'ping', rid: 'p' }));
    await waitFor(() => again.received.find((m) => m.code === 'UNAUTHENTICATED'), 'an answer on the admitted socket');
  });
});

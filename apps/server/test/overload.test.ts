import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClientMsgId } from '@visavis/client';
import { EventsAnswer } from '@visavis/protocol';
import { assignedConversation, rawSocket, startTestServer, waitFor, type TestServer } from './support.js';

/**
 * Load shedding at the WebSocket boundary, made deterministic with an in-flight limit of one
 * command for the whole node (LOAD_SHED_MAX_IN_FLIGHT=1): a text message is pipelined (the socket
 * reads its next frame while the first waits for its batch), so the second arrives while the
 * first is in flight and is refused. Overload under real traffic is the chat benchmark's
 * `--overload` mode (bench/README.md), not a timed test.
 */
describe('a node over its limit refuses with OVERLOADED, and the SDK’s retry stores the message once', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      LOAD_SHED_MAX_IN_FLIGHT: '1',
      ...(process.env.TEST_SERVER_DATABASE_URL ? { DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL } : {}),
    });
  }, 60_000);
  afterAll(async () => t.stop(), 30_000);

  async function storedTexts(cookie: string, conversationId: string): Promise<string[]> {
    const res = await fetch(`${t.url}/api/conversations/${conversationId}/events?afterSeq=0`, { headers: { cookie } });
    const { events } = EventsAnswer.parse(await res.json());
    return events.flatMap((e) => (e.event.type === 'message' ? [e.event.text] : []));
  }

  it('answers the refused frame with a retry hint and carries out nothing of it', async () => {
    const { cookie, visitorToken, conversation } = await assignedConversation(t, { subscribe: false });
    const raw = await rawSocket(t);
    raw.ws.send(JSON.stringify({ type: 'auth', token: visitorToken }));
    await waitFor(() => raw.received.find((m) => m.type === 'ready'), 'ready');
    const frame = (rid: string, text: string) =>
      JSON.stringify({ type: 'message.send', rid, conversationId: conversation.id, clientMsgId: `client-msg-${rid}`, text });
    raw.ws.send(frame('r1', 'first'));
    raw.ws.send(frame('r2', 'second'));
    const answers = await waitFor(() => {
      const byRid = ['r1', 'r2'].map((rid) => raw.received.find((m) => m.rid === rid));
      return byRid.every(Boolean) ? byRid : undefined;
    }, 'both answers');
    expect(answers[0], JSON.stringify(answers)).toMatchObject({ type: 'ack', rid: 'r1' });
    expect(answers[1]).toMatchObject({ type: 'error', rid: 'r2', code: 'OVERLOADED' });
    const hint = (answers[1] as { details?: { retryAfterMs?: unknown } }).details?.retryAfterMs;
    expect(typeof hint === 'number' && hint >= 100).toBe(true);
    expect(await storedTexts(cookie, conversation.id)).toEqual(['first']);
    // The same frame again, once the first is done: carried out.
    raw.ws.send(frame('r2', 'second'));
    await waitFor(() => raw.received.find((m) => m.rid === 'r2' && m.type === 'ack'), 'the resend acked');
    expect(await storedTexts(cookie, conversation.id)).toEqual(['first', 'second']);
    raw.ws.close();
  });

  it('lets the SDK resend refused messages until each is stored exactly once', async () => {
    const { cookie, visitor, conversation } = await assignedConversation(t, { subscribe: false });
    const texts = Array.from({ length: 8 }, (_, i) => `burst ${i}`);
    const refusedBefore = visitor.pushes.filter((m) => m.type === 'error' && m.code === 'OVERLOADED').length;
    await Promise.all(
      texts.map((text) => visitor.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text })),
    );
    expect(visitor.pushes.filter((m) => m.type === 'error' && m.code === 'OVERLOADED').length).toBeGreaterThan(refusedBefore);
    const stored = await storedTexts(cookie, conversation.id);
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort()).toEqual([...texts].sort());
  });
});

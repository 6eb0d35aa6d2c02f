// The call flow of the real server against a real Janus in a network namespace: the room is
// made on accept, the visitor's offer is answered through the server's relay, and hanging up
// leaves no room and no media handle behind (checked through Janus's admin API): the call's
// LiveCall, made on answer, serves ICE candidates and stats without a database query and hangs
// up its legs when the call ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallJoinInfo, CallView, ConversationSummary, Jsep } from '@visavis/protocol';
import { JanusAdmin } from '../adapters/janus/janus-admin.js';
import { handWrittenOffer, janusUnavailableReason, startTestJanus, type TestJanus } from '../test-support/janus.js';
import {
  agentConnection, agentLogin, startTestServer, visitorConnection, visitorSession, waitFor, type TestServer,
} from '../../test/support.js';

const unavailable = await janusUnavailableReason();
if (unavailable && process.env.CI) throw new Error(`the janus suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[janus] skipped: ${unavailable}`);

describe.skipIf(unavailable)('calls through the server and a real Janus', () => {
  let janus: TestJanus;
  let t: TestServer;
  let admin: JanusAdmin;

  beforeAll(async () => {
    janus = await startTestJanus();
    t = await startTestServer({ JANUS_URL: janus.url });
    admin = await JanusAdmin.connect(janus.adminUrl, janus.adminSecret);
    await waitFor(() => t.server.media.pool?.available(), 'media node up');
  });

  afterAll(async () => {
    await admin?.close();
    await t?.stop();
    await janus?.stop();
  });

  const handles = async () => {
    let n = 0;
    for (const s of await admin.listSessions()) n += (await admin.listHandles(s)).length;
    return n;
  };

  it('creates the room on accept, answers the published offer, and leaves nothing behind on hang-up', async () => {
    const agent = agentConnection(t, await agentLogin(t, 'agent1@demo.visavis.local'));
    await agent.conn.request({ type: 'presence.set', presence: 'online' });
    const s = await visitorSession(t);
    const visitor = visitorConnection(t, s.visitorToken);
    try {
      const { conversation } = await visitor.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
      await waitFor(() => agent.pushes.find((m) => m.type === 'inbox.updated' && m.conversation.status === 'assigned'), 'assignment');
      const roomsBefore = (await t.server.media.pool!.nodes[0]!.listRooms()).length;
      const handlesBefore = await handles();

      const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
      const { join } = await agent.conn.request<{ join: CallJoinInfo }>({ type: 'call.accept', callId: call.id });
      expect(join.callId).toBe(call.id);
      expect((await t.server.media.pool!.nodes[0]!.listRooms()).length).toBe(roomsBefore + 1);

      // Signalling is served from the node's live call: no database query per call.trickle or
      // call.stats. Counted: queries about this call, its conversation or its visitor
      // (background jobs that run meanwhile, such as the outbox tick, ask about none of them).
      const ours = new Set([call.id, conversation.id, s.visitorId]);
      const queriesDuring = async (fn: () => Promise<unknown>): Promise<number> => {
        const db = t.server.db as { query: (sql: string, params?: readonly unknown[]) => Promise<unknown> };
        const query = db.query;
        let queries = 0;
        db.query = (sql, params) => {
          if (params?.some((v) => ours.has(v as string))) queries++;
          return query.call(t.server.db, sql, params);
        };
        try {
          await fn();
        } finally {
          db.query = query;
        }
        return queries;
      };
      const stats = { lossPct: 0, availableKbps: 2_000, freezeCount: 0, fps: 30, rttMs: 20 };
      // The answer made the call live on this node: its first signalling, before any trickle, reads nothing.
      expect(await queriesDuring(() => visitor.conn.request({ type: 'call.stats', callId: call.id, stats }))).toBe(0);

      const { answer, peerFeed } = await visitor.conn.request<{ answer: Jsep; peerFeed: string | null }>({
        type: 'call.publish', callId: call.id, jsep: { type: 'offer', sdp: handWrittenOffer() }, audio: true, video: true,
      });
      expect(answer.type).toBe('answer');
      expect(peerFeed).toBeNull(); // the agent publishes nothing
      // The visitor's feed is published but not up: the server refuses a subscription itself (Janus would say 428).
      await expect(agent.conn.request({ type: 'call.subscribe', callId: call.id })).rejects.toMatchObject({
        code: 'MEDIA_UNAVAILABLE', message: 'The other side is not sending yet.',
      });
      expect(answer.sdp).toContain('a=recvonly');
      // The agent hears of the visitor's feed only once its PeerConnection is up (webrtcup); this
      // hand-written offer never gets there, and Janus would refuse the subscription (428).
      // Janus trickles its candidates to the visitor through the server (or embeds them in the answer).
      const trickled = await waitFor(
        () => visitor.pushes.some((m) => m.type === 'call.candidate' && m.callId === call.id) || /a=candidate/.test(answer.sdp),
        'janus candidates',
      );
      expect(trickled).toBe(true);
      expect(await handles()).toBeGreaterThan(handlesBefore);

      const trickles = await queriesDuring(async () => {
        for (let i = 0; i < 20; i++) {
          await visitor.conn.request({
            type: 'call.trickle', callId: call.id, leg: 'publish',
            candidate: { candidate: `candidate:${i} 1 udp 2122260223 10.0.0.${i + 1} ${50000 + i} typ host`, sdpMid: '0', sdpMLineIndex: 0 },
          });
        }
        await visitor.conn.request({ type: 'call.trickle', callId: call.id, leg: 'publish', candidate: null });
      });
      expect(trickles).toBe(0);
      const statsQueries = await queriesDuring(async () => {
        for (let i = 0; i < 10; i++) await agent.conn.request({ type: 'call.stats', callId: call.id, stats });
      });
      expect(statsQueries).toBe(0);
      expect(agent.pushes.some((m) => m.type === 'call.feed' && m.callId === call.id)).toBe(false);

      await agent.conn.request({ type: 'call.hangup', callId: call.id });
      // Candidates and stats on their way when the call ended are accepted and ignored.
      await visitor.conn.request({ type: 'call.trickle', callId: call.id, leg: 'publish', candidate: null });
      await visitor.conn.request({ type: 'call.stats', callId: call.id, stats });
      await waitFor(async () => (await t.server.media.pool!.nodes[0]!.listRooms()).length === roomsBefore, 'room destroyed');
      await waitFor(async () => (await handles()) === handlesBefore, 'publisher handle released');
      const rows = await t.server.db.query<{ load: number }>(`select load from agents where email = 'agent1@demo.visavis.local'`);
      expect(rows[0]?.load).toBe(1);
    } finally {
      visitor.conn.close();
      agent.conn.close();
    }
  });
});

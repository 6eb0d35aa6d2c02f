import { afterEach, describe, expect, it } from 'vitest';
import type { CallJoinInfo, CallView, ConversationSummary, ServerMessage } from '@visavis/protocol';
import { assignedConversation, MemoryRooms, startTestServer, visitorConnection, visitorSession, waitFor, type Recorder, type TestServer } from './support.js';

const callEvents = (r: Recorder, conversationId: string) =>
  r.events.filter((e) => e.conversationId === conversationId && e.event.type.startsWith('call.')).map((e) => e.event);

describe('calls escalated from a conversation (lifecycle, capacity, timeline)', () => {
  let t: TestServer;
  let rooms: MemoryRooms;
  const conns: { close(): void }[] = [];
  afterEach(async () => {
    for (const c of conns.splice(0)) c.close();
    await t?.stop();
  }, 30_000);

  async function setup() {
    rooms = new MemoryRooms();
    t = await startTestServer({}, { callRooms: rooms });
    const { agent, visitor, conversation } = await assignedConversation(t);
    conns.push(agent.conn, visitor.conn);
    return { agent, visitor, conversation };
  }

  const load = async () =>
    (await t.server.db.query<{ load: number }>(`select load from agents where email = 'agent1@demo.visavis.local'`))[0]!.load;

  it('rings, is answered with join info for both sides, takes the video weight, and hangs up cleanly', async () => {
    const { agent, visitor, conversation } = await setup();
    expect(await load()).toBe(1);
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    expect(call).toMatchObject({ status: 'ringing', startedBy: 'visitor', profile: '720p' });
    await waitFor(() => callEvents(agent, conversation.id).find((e) => e.type === 'call.ringing'), 'ringing on the agent side');
    // A second call in the same conversation is refused; the caller cannot answer their own call.
    await expect(visitor.conn.request({ type: 'call.start', conversationId: conversation.id, media: 'audio' })).rejects.toMatchObject({ code: 'CALL_IN_PROGRESS' });
    await expect(visitor.conn.request({ type: 'call.accept', callId: call.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const { join } = await agent.conn.request<{ join: CallJoinInfo }>({ type: 'call.accept', callId: call.id });
    expect(join).toMatchObject({ callId: call.id, media: 'video', audioProcessing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    await waitFor(() => visitor.pushes.find((m) => m.type === 'call.join' && m.info.callId === call.id), 'join info pushed to the visitor');
    expect(rooms.live.size).toBe(1);
    expect(await load()).toBe(3); // chat 1 + (video 3 - chat 1)

    await agent.conn.request({ type: 'call.hangup', callId: call.id });
    await waitFor(() => callEvents(visitor, conversation.id).find((e) => e.type === 'call.ended'), 'ended on the visitor side');
    const ended = callEvents(visitor, conversation.id).find((e) => e.type === 'call.ended')!;
    expect(ended).toMatchObject({ by: 'agent', reason: 'hangup' });
    expect(ended.type === 'call.ended' && ended.durationMs).toBeGreaterThanOrEqual(0);
    expect(rooms.live.size).toBe(0);
    expect(await load()).toBe(1);
    expect(callEvents(visitor, conversation.id).map((e) => e.type)).toEqual(['call.ringing', 'call.answered', 'call.ended']);
  });

  it('ends declined and unanswered calls without taking capacity or leaving rooms', async () => {
    const { agent, visitor, conversation } = await setup();
    const first = await agent.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'audio' });
    await visitor.conn.request({ type: 'call.decline', callId: first.call.id });
    // Unanswered: the ring timeout is a scheduled command; make it due now.
    const second = await agent.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await t.server.db.query(`update commands set available_at = now() where topic = 'call.ring_timeout' and payload->>'callId' = $1`, [second.call.id]);
    await t.server.db.query(`update calls set ring_expires_at = now() where id = $1`, [second.call.id]);
    await waitFor(
      () => callEvents(visitor, conversation.id).filter((e) => e.type === 'call.ended').length === 2,
      'both calls ended',
      15_000,
    );
    const ends = callEvents(visitor, conversation.id).filter((e) => e.type === 'call.ended');
    expect(ends).toMatchObject([{ by: 'visitor', reason: 'declined', durationMs: null }, { by: 'system', reason: 'no_answer' }]);
    expect(rooms.created).toBe(0);
    expect(await load()).toBe(1);
    await expect(visitor.conn.request({ type: 'call.accept', callId: second.call.id })).rejects.toMatchObject({ code: 'CALL_NOT_RINGING' });
  });

  it('ends a live call when its conversation closes, and refuses calls when no media server is up', async () => {
    const { agent, visitor, conversation } = await setup();
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await agent.conn.request({ type: 'call.accept', callId: call.id });
    await visitor.conn.request({ type: 'conversation.close', conversationId: conversation.id });
    await waitFor(() => callEvents(agent, conversation.id).find((e) => e.type === 'call.ended'), 'call ended by the close', 15_000);
    expect(callEvents(agent, conversation.id).find((e) => e.type === 'call.ended')).toMatchObject({ by: 'system', reason: 'conversation_closed' });
    expect(rooms.live.size).toBe(0);
    expect(await load()).toBe(0);

    // Another conversation, but the media server is down.
    rooms.up = false;
    const s = await visitorSession(t);
    const v2 = visitorConnection(t, s.visitorToken);
    conns.push(v2.conn);
    const { conversation: c2 } = await v2.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    await waitFor(() => agent.pushes.find((m: ServerMessage) => m.type === 'inbox.updated' && m.conversation.id === c2.id && m.conversation.status === 'assigned'), 'second assignment');
    await expect(v2.conn.request({ type: 'call.start', conversationId: c2.id, media: 'video' })).rejects.toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
    // Another visitor cannot act on someone else's call.
    await expect(v2.conn.request({ type: 'call.hangup', callId: call.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('codec order', () => {
  it('prefers H.264 on Android and VP8 elsewhere', async () => {
    const { codecOrder } = await import('../src/calls/call-service.js');
    expect(codecOrder('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126 Mobile')).toEqual(['h264', 'vp8']);
    expect(codecOrder('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)')).toEqual(['vp8', 'h264']);
    expect(codecOrder(null)).toEqual(['vp8', 'h264']);
  });
});

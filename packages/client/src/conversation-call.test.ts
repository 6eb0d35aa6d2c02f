import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallJoinInfo, TimelineEvent } from '@visavis/protocol';
import { Call, callBlock, mayAnswer } from './conversation-call.js';
import { Conversation } from './conversation.js';
import type { LiveCall } from './call-state.js';
import type { RecordingStatus } from './recording-status.js';
import { FakeServer, waitFor } from './testing/fake-server.js';
import { closeAll, connectTo, sleep, type Observed } from './testing/harness.js';

let server: FakeServer;
let o: Observed;
const made: { close(): void }[] = [];
beforeEach(async () => {
  server = await FakeServer.start();
  o = connectTo(server);
  await o.open();
});
afterEach(async () => {
  for (const x of made.splice(0)) x.close();
  closeAll();
  await server.close();
});

const info = (callId = 'k1'): CallJoinInfo => ({
  callId, media: 'video', profile: '720p', iceServers: [], videoCodecs: ['vp8'],
  audioProcessing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  recording: { mode: 'off' } as CallJoinInfo['recording'],
});
const ringing = (callId = 'k1', by: 'visitor' | 'agent' = 'agent', recording?: { mode: 'mandatory' | 'on'; dual: boolean }): TimelineEvent => ({
  type: 'call.ringing', callId, media: 'video', by, profile: '720p', ...(recording ? { recording } : {}),
});
const answered = (callId = 'k1'): TimelineEvent => ({ type: 'call.answered', callId, by: 'visitor' });
const ended = (callId = 'k1', durationMs: number | null = 5000): TimelineEvent => ({ type: 'call.ended', callId, by: 'agent', reason: 'hangup', durationMs });

/** A visitor's conversation c1 and its call, with what the call emitted. */
async function visitorCall() {
  const conv = new Conversation(o.c, 'c1', { me: 'visitor' });
  const call = new Call(conv, o.c, 'visitor');
  made.push(call, conv);
  await waitFor(() => server.last.subs.has('c1'), 'the subscription');
  const seen = { changed: [] as (LiveCall | null)[], joins: [] as string[], ended: [] as string[], recording: [] as RecordingStatus[] };
  call.on('changed', (l) => seen.changed.push(l));
  call.on('join', (i) => seen.joins.push(i.callId));
  call.on('ended', (e) => seen.ended.push(`${e.callId}:${e.outcome.kind}`));
  call.on('recording', (r) => seen.recording.push(r));
  return { conv, call, seen };
}

describe('callBlock and mayAnswer (who may call, who may answer)', () => {
  const live = { callId: 'k1', status: 'ringing', startedBy: 'visitor' } as LiveCall;
  it('needs someone to call, no call here, no call elsewhere, and a connection, in that order', () => {
    expect(callBlock({ mayCall: false, live, inCallElsewhere: true })).toBe('notMine');
    expect(callBlock({ mayCall: true, live, inCallElsewhere: true })).toBe('live');
    expect(callBlock({ mayCall: true, live: null, inCallElsewhere: true, connected: false })).toBe('busy');
    expect(callBlock({ mayCall: true, live: null, connected: false })).toBe('offline');
    expect(callBlock({ mayCall: true, live: null })).toBeNull();
  });
  it('answers only a ringing call the other side started', () => {
    expect(mayAnswer(live, 'agent')).toBe(true);
    expect(mayAnswer(live, 'visitor')).toBe(false);
    expect(mayAnswer({ ...live, status: 'active' }, 'agent')).toBe(false);
    expect(mayAnswer(null, 'agent')).toBe(false);
  });
});

describe('Call', () => {
  it('folds the conversation\'s call events: ringing → active → gone, with how it ended', async () => {
    const { call, seen } = await visitorCall();
    server.append('c1', ringing());
    await waitFor(() => call.live, 'ringing');
    expect(call.live).toMatchObject({ callId: 'k1', status: 'ringing', startedBy: 'agent' });
    expect(call.canAnswer).toBe(true);
    expect(call.block({ mayCall: true })).toBe('live');
    server.append('c1', answered());
    await waitFor(() => call.live?.status === 'active', 'active');
    server.append('c1', ended());
    await waitFor(() => call.live === null, 'gone');
    expect(seen.changed.map((l) => l?.status ?? null)).toEqual(['ringing', 'active', null]);
    expect(seen.ended).toEqual(['k1:answered']);
    expect(call.block({ mayCall: true })).toBeNull();
    expect(call.block({ mayCall: false })).toBe('notMine');
  });

  it('picks up a call already in the timeline (a reload mid-call) without replaying its end', async () => {
    server.append('c1', ringing('k0'));
    server.append('c1', ended('k0', null));
    server.append('c1', ringing('k1', 'visitor'));
    server.append('c1', answered('k1'));
    const conv = new Conversation(o.c, 'c1', { me: 'visitor' });
    made.push(conv);
    await waitFor(() => conv.timeline.events.length === 4, 'the history');
    const call = new Call(conv, o.c, 'visitor');
    made.push(call);
    expect(call.live).toMatchObject({ callId: 'k1', status: 'active' });
    expect(call.canAnswer).toBe(false);
    // The ended call's late join is refused; the live one's is taken.
    const joins: string[] = [];
    call.on('join', (i) => joins.push(i.callId));
    server.last.send({ type: 'call.join', info: info('k0') });
    server.last.send({ type: 'call.join', info: info('k1') });
    await waitFor(() => joins.length === 1, 'the join');
    await sleep(20);
    expect(joins).toEqual(['k1']);
  });

  it('joins once per call, whether the accept\'s ack or the call.join push comes first', async () => {
    const { call, seen } = await visitorCall();
    server.handlers['call.accept'] = (m) => {
      server.last.send({ type: 'call.join', info: info('k1') });
      return { join: info((m as { callId: string }).callId) };
    };
    server.append('c1', ringing());
    await waitFor(() => call.canAnswer, 'ringing');
    const join = await call.accept();
    expect(join.callId).toBe('k1');
    await sleep(30);
    expect(seen.joins).toEqual(['k1']);
    expect(call.joined).toBe('k1');
    expect(server.received('call.accept')[0]).toMatchObject({ callId: 'k1' });
    server.append('c1', ended());
    await waitFor(() => call.joined === null, 'the end');
    await expect(call.accept()).rejects.toMatchObject({ code: 'CALL_NOT_RINGING' });
  });

  it('holds a join that arrives before its call.ringing, and gives it once the call is known', async () => {
    const { call, seen } = await visitorCall();
    server.last.send({ type: 'call.join', info: info('k2') });
    await sleep(30);
    expect(seen.joins).toEqual([]);
    server.append('c1', ringing('k2', 'visitor'));
    await waitFor(() => seen.joins.length === 1, 'the held join');
    expect(seen.joins).toEqual(['k2']);
    expect(call.joined).toBe('k2');
  });

  it('start sends call.start with the options; decline and hangup name the live call', async () => {
    const { call } = await visitorCall();
    server.handlers['call.start'] = () => ({ call: { id: 'k5', conversationId: 'c1' } });
    const started = await call.start('audio', { acknowledgeRecording: true });
    expect(started.id).toBe('k5');
    expect(server.received('call.start')[0]).toMatchObject({ conversationId: 'c1', media: 'audio', acknowledgeRecording: true });
    server.append('c1', ringing('k5', 'visitor'));
    await waitFor(() => call.live, 'ringing');
    await call.hangup();
    await call.decline();
    expect(server.received('call.hangup')[0]).toMatchObject({ callId: 'k5' });
    expect(server.received('call.decline')[0]).toMatchObject({ callId: 'k5' });
  });

  it('follows the recording: starting once answered, running from the timeline, paused by a push, and a later event supersedes the push', async () => {
    const { call, seen } = await visitorCall();
    server.append('c1', ringing('k1', 'agent', { mode: 'mandatory', dual: false }));
    await waitFor(() => call.recording.recorded, 'recorded');
    expect(call.recording).toMatchObject({ recorded: true, required: true, starting: false });
    server.append('c1', answered());
    await waitFor(() => call.recording.starting, 'starting');
    server.append('c1', { type: 'call.recording', callId: 'k1', state: 'running' });
    await waitFor(() => call.recording.state === 'running', 'running');
    server.last.send({ type: 'call.recording', callId: 'k1', state: 'failed', paused: true });
    server.last.send({ type: 'call.recording', callId: 'other', state: 'failed', paused: true });
    await waitFor(() => call.recording.paused, 'paused');
    expect(call.recording.state).toBe('failed');
    server.append('c1', { type: 'call.recording', callId: 'k1', state: 'running' });
    await waitFor(() => !call.recording.paused, 'resumed');
    expect(seen.recording.map((r) => [r.state, r.starting, r.paused])).toEqual([
      [null, false, false],
      ['starting', true, false],
      ['running', false, false],
      ['failed', false, true],
      ['running', false, false],
    ]);
  });

  it('close() stops following and refuses commands', async () => {
    const { call, seen } = await visitorCall();
    call.close();
    server.append('c1', ringing());
    server.last.send({ type: 'call.join', info: info('k1') });
    await sleep(40);
    expect(seen.changed).toEqual([]);
    expect(seen.joins).toEqual([]);
    expect(call.live).toBeNull();
    await expect(call.start('video')).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

import { describe, expect, it } from 'vitest';
import type { ConversationSummary, SequencedEvent, TimelineEvent } from '@visavis/protocol';
import { emptyTimeline, applyEvents } from '../lib/timeline.js';
import {
  callBlock,
  callEndedLine,
  callMediaById,
  callReducer,
  formatDuration,
  incomingCalls,
  initialCallUi,
  liveCall,
  liveCallOf,
  liveCalls,
  qualityBars,
} from './state.js';

let seq = 0;
const ev = (
  event: TimelineEvent,
  conversationId = 'c1',
  at = '2025-05-01T10:00:00.000Z',
): SequencedEvent => ({ conversationId, seq: ++seq, at, event });
const ringing = (
  callId: string,
  by: 'visitor' | 'agent' = 'visitor',
  media: 'video' | 'audio' = 'video',
  c = 'c1',
) => ev({ type: 'call.ringing', callId, media, by, profile: '720p' }, c);
const answered = (callId: string, c = 'c1') =>
  ev({ type: 'call.answered', callId, by: 'agent' }, c, '2025-05-01T10:00:04.000Z');
const ended = (callId: string, reason = 'hangup', durationMs: number | null = 5000, c = 'c1') =>
  ev({ type: 'call.ended', callId, by: 'visitor', reason, durationMs }, c);

const summary = (
  id: string,
  agentId: string | null,
  status: ConversationSummary['status'] = 'assigned',
): ConversationSummary => ({
  id,
  status,
  visitorId: 'v',
  visitorName: null,
  agentId,
  agentName: null,
  lastSeq: 0,
  createdAt: '',
  assignedAt: null,
  closedAt: null,
  lastMessageText: null,
  lastMessageAt: null,
  unread: 0,
  csatScore: null,
});

describe('liveCallOf', () => {
  it('follows ringing, answered and ended', () => {
    expect(liveCallOf('c1', [])).toBeNull();
    expect(liveCallOf('c1', [ringing('k')])).toMatchObject({
      conversationId: 'c1',
      callId: 'k',
      status: 'ringing',
      startedBy: 'visitor',
      answeredAt: null,
    });
    expect(liveCallOf('c1', [ringing('k'), answered('k')])).toMatchObject({
      status: 'active',
      answeredAt: '2025-05-01T10:00:04.000Z',
    });
    expect(liveCallOf('c1', [ringing('k'), answered('k'), ended('k')])).toBeNull();
  });

  it('ignores other calls’ events; a closed conversation has no call; a later call wins', () => {
    expect(liveCallOf('c1', [ringing('k'), answered('x'), ended('x')])).toMatchObject({
      callId: 'k',
      status: 'ringing',
    });
    expect(liveCallOf('c1', [ringing('k'), ev({ type: 'conversation.closed', by: 'visitor' })])).toBeNull();
    expect(
      liveCallOf('c1', [ringing('a'), ended('a', 'declined', null), ringing('b', 'agent', 'audio')]),
    ).toMatchObject({ callId: 'b', media: 'audio', startedBy: 'agent' });
  });

  it('is remembered per timeline and recomputed when the timeline changes', () => {
    const tl = applyEvents(emptyTimeline(), [ringing('k')]);
    const first = liveCall('c1', tl);
    expect(liveCall('c1', tl)).toBe(first);
    const next = applyEvents(tl, [answered('k')]);
    expect(liveCall('c1', next)?.status).toBe('active');
    expect(liveCall('c1', undefined)).toBeNull();
  });
});

describe('incoming calls and the call buttons', () => {
  const timelines = {
    c1: applyEvents(emptyTimeline(), [ringing('k1', 'visitor', 'video', 'c1')]),
    c2: applyEvents(emptyTimeline(), [ringing('k2', 'agent', 'video', 'c2')]),
    c3: applyEvents(emptyTimeline(), [ringing('k3', 'visitor', 'audio', 'c3'), answered('k3', 'c3')]),
    c4: applyEvents(emptyTimeline(), [ringing('k4', 'visitor', 'video', 'c4')]),
    c5: emptyTimeline(),
  };
  const summaries = {
    c1: summary('c1', 'me'),
    c2: summary('c2', 'me'),
    c3: summary('c3', 'me'),
    c4: summary('c4', 'someone'),
  };

  it('lists the visitors ringing me, not my own calls, live ones or a colleague’s', () => {
    const calls = liveCalls(timelines);
    expect(calls.map((c) => c.callId).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(incomingCalls(calls, summaries, 'me').map((c) => c.callId)).toEqual(['k1']);
  });

  it('says why a call cannot start', () => {
    expect(callBlock(summary('c', 'me'), 'me', null, false)).toBeNull();
    expect(callBlock(summary('c', 'other'), 'me', null, false)).toBe('notMine');
    expect(callBlock(summary('c', 'me', 'closed'), 'me', null, false)).toBe('notMine');
    expect(callBlock(summary('c', null, 'queued'), 'me', null, false)).toBe('notMine');
    expect(callBlock(null, 'me', null, false)).toBe('notMine');
    expect(callBlock(summary('c', 'me'), 'me', liveCallOf('c', [ringing('k')]), false)).toBe('live');
    expect(callBlock(summary('c', 'me'), 'me', null, true)).toBe('busy');
  });
});

describe('formatting', () => {
  it('formats durations and quality bars', () => {
    expect([0, 999, 61_000, 192_000, 3_723_000].map(formatDuration)).toEqual([
      '0:00',
      '0:00',
      '1:01',
      '3:12',
      '1:02:03',
    ]);
    expect([qualityBars('good'), qualityBars('fair'), qualityBars('poor'), qualityBars(null)]).toEqual([
      3, 2, 1, 0,
    ]);
  });
});

describe('callReducer', () => {
  it('keeps the live call’s local state and returns the same object for no change', () => {
    let ui = callReducer(initialCallUi, { type: 'muted', muted: true });
    ui = callReducer(ui, { type: 'cameraOff', cameraOff: true });
    ui = callReducer(ui, { type: 'phase', phase: 'connected' });
    ui = callReducer(ui, { type: 'quality', quality: 'poor' });
    ui = callReducer(ui, { type: 'peer', audio: false, video: true });
    expect(ui).toEqual({
      phase: 'connected',
      muted: true,
      cameraOff: true,
      quality: 'poor',
      peer: { audio: false, video: true },
    });
    expect(callReducer(ui, { type: 'phase', phase: 'connected' })).toBe(ui);
    expect(callReducer(ui, { type: 'quality', quality: 'poor' })).toBe(ui);
    expect(callReducer(ui, { type: 'peer', audio: false, video: true })).toBe(ui);
    expect(callReducer(ui, { type: 'reset' })).toBe(initialCallUi);
  });
});

describe('timeline lines', () => {
  const video = { media: 'video' as const, startedBy: 'visitor' as const };
  const agentVoice = { media: 'audio' as const, startedBy: 'agent' as const };

  it('finds each call’s media and caller', () => {
    expect(callMediaById([ringing('a'), ringing('b', 'agent', 'audio')])).toEqual({
      a: video,
      b: agentVoice,
    });
  });

  it('reads answered calls with their length and why they ended', () => {
    expect(callEndedLine({ reason: 'hangup', by: 'visitor', durationMs: 192_000 }, video)).toEqual({
      key: 'sys.callEndedVideo',
      duration: '3:12',
      reason: 'callReason.hangupVisitor',
    });
    expect(callEndedLine({ reason: 'hangup', by: 'agent', durationMs: 5000 }, agentVoice)).toEqual({
      key: 'sys.callEndedAudio',
      duration: '0:05',
      reason: 'callReason.hangupAgent',
    });
    expect(callEndedLine({ reason: 'peer_lost', by: 'system', durationMs: 1000 }, video).reason).toBe(
      'callReason.peer_lost',
    );
    expect(callEndedLine({ reason: 'something_new', by: 'system', durationMs: 1000 }, video)).toEqual({
      key: 'sys.callEndedVideo',
      duration: '0:01',
    });
  });

  it('reads calls nobody answered from the agent’s side', () => {
    expect(callEndedLine({ reason: 'declined', by: 'visitor', durationMs: null }, agentVoice).key).toBe(
      'sys.callDeclinedByVisitor',
    );
    expect(callEndedLine({ reason: 'declined', by: 'agent', durationMs: null }, video).key).toBe(
      'sys.callDeclinedByAgent',
    );
    expect(callEndedLine({ reason: 'cancelled', by: 'visitor', durationMs: null }, video).key).toBe(
      'sys.callCancelledByVisitor',
    );
    expect(callEndedLine({ reason: 'cancelled', by: 'agent', durationMs: null }, agentVoice).key).toBe(
      'sys.callCancelledByAgent',
    );
    expect(callEndedLine({ reason: 'no_answer', by: 'system', durationMs: null }, video).key).toBe(
      'sys.callMissedFromVisitor',
    );
    expect(callEndedLine({ reason: 'no_answer', by: 'system', durationMs: null }, agentVoice).key).toBe(
      'sys.callUnansweredByVisitor',
    );
  });
});

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
  markTime,
  qualityBars,
  recordingLineKey,
  recordingPush,
  recordingStatus,
  scriptProgress,
  stepLabel,
  type CallMark,
} from './state.js';
import { DICTIONARIES } from '../i18n/index.js';

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

describe('recorded calls', () => {
  const recRinging = (mode: 'on' | 'mandatory', dual: boolean, callId = 'r1') =>
    ev({ type: 'call.ringing', callId, media: 'video', by: 'visitor', profile: '720p', recording: { mode, dual } });
  const recEvent = (state: 'running' | 'failed', callId = 'r1') => ev({ type: 'call.recording', callId, state });

  it('knows from the ringing event whether the call is recorded', () => {
    expect(recordingStatus(liveCallOf('c1', [ringing('k')]), null).recorded).toBe(false);
    expect(recordingStatus(liveCallOf('c1', [recRinging('mandatory', true)]), null)).toEqual({
      recorded: true,
      dual: true,
      required: true,
      state: null,
      starting: false,
      paused: false,
    });
  });

  it('says "starting" once answered until the recording runs (mandatory or dual only)', () => {
    const live = liveCallOf('c1', [recRinging('mandatory', false), answered('r1')]);
    expect(recordingStatus(live, null)).toMatchObject({ starting: true, state: 'starting' });
    // The push may arrive before the timeline's event.
    expect(recordingStatus(live, recordingPush(live, { callId: 'r1', state: 'running', paused: false })).starting).toBe(false);
    const running = liveCallOf('c1', [recRinging('mandatory', false), answered('r1'), recEvent('running')]);
    expect(recordingStatus(running, null)).toMatchObject({ starting: false, state: 'running' });
    expect(recordingStatus(liveCallOf('c1', [recRinging('on', false), answered('r1')]), null).starting).toBe(false);
  });

  it('pauses a required call while its recording is down; a later timeline event beats a stale push', () => {
    const events = [recRinging('mandatory', true), answered('r1'), recEvent('running'), recEvent('failed')];
    const failed = liveCallOf('c1', events);
    const pausedPush = recordingPush(failed, { callId: 'r1', state: 'failed', paused: true });
    expect(recordingStatus(failed, pausedPush).paused).toBe(true);
    expect(recordingStatus(failed, null).paused).toBe(true);
    expect(recordingStatus(failed, recordingPush(failed, { callId: 'r1', state: 'running', paused: false })).paused).toBe(false);
    const resumed = liveCallOf('c1', [...events, recEvent('running')]);
    expect(recordingStatus(resumed, pausedPush)).toMatchObject({ paused: false, state: 'running' });
    // Not required: a failed recording does not hold the call.
    const on = liveCallOf('c1', [recRinging('on', false), answered('r1'), recEvent('failed')]);
    expect(recordingStatus(on, null).paused).toBe(false);
  });

  it('reads recording_failed as not connected, answered or not, and recording events as lines', () => {
    const video = { media: 'video' as const, startedBy: 'visitor' as const };
    expect(callEndedLine({ reason: 'recording_failed', by: 'system', durationMs: null }, video)).toEqual({
      key: 'sys.callRecordingFailed',
    });
    expect(callEndedLine({ reason: 'recording_failed', by: 'system', durationMs: 7000 }, undefined)).toEqual({
      key: 'sys.callRecordingFailed',
    });
    expect(DICTIONARIES['zh-CN']['sys.callRecordingFailed']).toBe('录像无法启动，通话未接通');
    expect(DICTIONARIES['zh-TW']['call.errorRecording']).toBe('錄影無法啟動，通話未接通');
    expect(['running', 'failed', 'starting', 'off'].map((s) => recordingLineKey(s as 'running'))).toEqual([
      'sys.recordingRunning',
      'sys.recordingFailed',
      null,
      null,
    ]);
  });
});

describe('script marks', () => {
  const mark = (label: string, atMs: number, id = label): CallMark => ({
    id,
    atMs,
    label,
    createdBy: 'a',
    createdAt: '2025-05-01T10:00:00.000Z',
  });
  const script = ['Read the risk disclosure', 'Confirm the customer understood', 'Read the fees'];

  it('formats mark times as mm:ss', () => {
    expect([0, 999, 12_000, 61_500, 3_599_000, 3_723_000].map(markTime)).toEqual([
      '00:00',
      '00:00',
      '00:12',
      '01:01',
      '59:59',
      '1:02:03',
    ]);
  });

  it('labels steps by number and text, within the server’s 200 characters', () => {
    expect(stepLabel(0, '  Read the risk disclosure ')).toBe('1. Read the risk disclosure');
    const long = stepLabel(4, 'x'.repeat(500));
    expect(long).toHaveLength(200);
    expect(long.startsWith('5. xxx')).toBe(true);
    expect(long.endsWith('…')).toBe(true);
  });

  it('checks steps off from the marks (first mark counts) and keeps free notes apart', () => {
    const empty = scriptProgress(script, []);
    expect(empty).toMatchObject({ done: 0, total: 3, current: 0, notes: [] });
    const marks = [
      mark('Customer asked about fees', 30_000),
      mark(stepLabel(0, script[0]!), 12_000),
      mark(stepLabel(0, script[0]!), 50_000, 'again'),
      mark(stepLabel(2, script[2]!), 80_000),
    ];
    const p = scriptProgress(script, marks);
    expect(p.done).toBe(2);
    expect(p.current).toBe(1);
    expect(p.steps.map((s) => s.mark?.atMs ?? null)).toEqual([12_000, null, 80_000]);
    expect(p.notes.map((n) => n.label)).toEqual(['Customer asked about fees']);
    const all = scriptProgress(script, [...marks, mark(stepLabel(1, script[1]!), 60_000)]);
    expect(all).toMatchObject({ done: 3, current: -1 });
  });
});

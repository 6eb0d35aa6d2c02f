import { describe, expect, it } from 'vitest';
import {
  applyCallEvent,
  callMediaReducer,
  callOutcome,
  foldCallEvents,
  initialCallMediaUi,
  type LiveCall,
} from './call-state.js';
import { callEventFactory } from './testing/call-events.js';

const { ev, ringing, answered, ended } = callEventFactory();

describe('applyCallEvent', () => {
  it('follows a call from ringing to active to ended', () => {
    let live: LiveCall | null = null;
    live = applyCallEvent(live, ringing('agent', 'audio'));
    expect(live).toMatchObject({ callId: 'k1', media: 'audio', startedBy: 'agent', status: 'ringing', answeredAt: null });
    live = applyCallEvent(live, answered());
    expect(live).toMatchObject({ status: 'active', answeredAt: '2025-05-01T10:00:05.000Z' });
    live = applyCallEvent(live, ev({ type: 'message', messageId: 'm', clientMsgId: null, author: { kind: 'agent', id: 'a', name: 'A' }, kind: 'text', text: 'hi', attachment: null }));
    expect(live?.status).toBe('active');
    expect(applyCallEvent(live, ended('hangup', 'visitor', 3000))).toBeNull();
  });

  it('ignores events of another call, and a closed conversation ends everything', () => {
    const live = applyCallEvent(null, ringing());
    expect(applyCallEvent(live, answered('other'))).toBe(live);
    expect(applyCallEvent(live, ended('hangup', 'agent', null, 'other'))).toBe(live);
    expect(applyCallEvent(live, ev({ type: 'conversation.closed', by: 'agent' }))).toBeNull();
  });

  it('folds the recording in: not recorded, starting once answered, then what call.recording says', () => {
    expect(applyCallEvent(null, ringing())).toMatchObject({ recording: null, recordingState: null, recordingSeq: 0 });
    const rec = ev({ type: 'call.ringing', callId: 'r', media: 'video', by: 'visitor', profile: '720p', recording: { mode: 'mandatory', dual: true } });
    const live = foldCallEvents([rec, answered('r')]);
    expect(live).toMatchObject({ recording: { mode: 'mandatory', dual: true }, recordingState: 'starting' });
    const running = ev({ type: 'call.recording', callId: 'r', state: 'running' });
    expect(applyCallEvent(live, running)).toMatchObject({ recordingState: 'running', recordingSeq: running.seq });
    // Another call's recording news changes nothing.
    expect(applyCallEvent(live, ev({ type: 'call.recording', callId: 'x', state: 'failed' }))).toBe(live);
  });
});

describe('foldCallEvents', () => {
  it('replays history to the live call: none, a later call wins, a closed conversation has none', () => {
    expect(foldCallEvents([])).toBeNull();
    expect(foldCallEvents([ringing(), answered(), ended('hangup', 'visitor', 5000)])).toBeNull();
    expect(foldCallEvents([ringing('visitor', 'video', 'a'), ended('declined', 'agent', null, 'a'), ringing('agent', 'audio', 'b')])).toMatchObject({
      callId: 'b', media: 'audio', startedBy: 'agent', status: 'ringing',
    });
    expect(foldCallEvents([ringing(), answered('x'), ended('hangup', 'visitor', 1, 'x')])).toMatchObject({ callId: 'k1', status: 'ringing' });
    expect(foldCallEvents([ringing(), ev({ type: 'conversation.closed', by: 'visitor' })])).toBeNull();
  });
});

describe('callMediaReducer', () => {
  it('keeps the media state, returns the same object for a repeated phase, quality or peer state, and keeps a UI’s own fields', () => {
    const start = { ...initialCallMediaUi, mine: 1 };
    let ui = callMediaReducer(start, { type: 'muted', muted: true });
    ui = callMediaReducer(ui, { type: 'cameraOff', cameraOff: true });
    ui = callMediaReducer(ui, { type: 'phase', phase: 'connected' });
    ui = callMediaReducer(ui, { type: 'quality', quality: 'poor' });
    ui = callMediaReducer(ui, { type: 'peer', audio: false, video: true });
    expect(ui).toEqual({ phase: 'connected', muted: true, cameraOff: true, quality: 'poor', peer: { audio: false, video: true }, mine: 1 });
    expect(callMediaReducer(ui, { type: 'phase', phase: 'connected' })).toBe(ui);
    expect(callMediaReducer(ui, { type: 'quality', quality: 'poor' })).toBe(ui);
    expect(callMediaReducer(ui, { type: 'peer', audio: false, video: true })).toBe(ui);
    expect(callMediaReducer(ui, { type: 'peer', audio: true, video: true }).peer).toEqual({ audio: true, video: true });
  });
});

describe('callOutcome', () => {
  it('says what a call.ended means, whoever reads it', () => {
    expect(callOutcome({ reason: 'hangup', by: 'visitor', durationMs: 192_000 })).toEqual({ kind: 'answered', durationMs: 192_000 });
    expect(callOutcome({ reason: 'peer_lost', by: 'system', durationMs: 0 })).toEqual({ kind: 'answered', durationMs: 0 });
    // Answered or not, recording_failed means the call never connected.
    expect(callOutcome({ reason: 'recording_failed', by: 'system', durationMs: 8000 })).toEqual({ kind: 'recordingFailed' });
    expect(callOutcome({ reason: 'recording_failed', by: 'system', durationMs: null })).toEqual({ kind: 'recordingFailed' });
    expect(callOutcome({ reason: 'declined', by: 'visitor', durationMs: null })).toEqual({ kind: 'declined', by: 'visitor' });
    expect(callOutcome({ reason: 'declined', durationMs: null })).toEqual({ kind: 'declined', by: 'system' });
    expect(callOutcome({ reason: 'cancelled', by: 'agent', durationMs: null })).toEqual({ kind: 'cancelled' });
    expect(callOutcome({ reason: 'no_answer', by: 'system', durationMs: null })).toEqual({ kind: 'unanswered' });
    expect(callOutcome({})).toEqual({ kind: 'unanswered' });
  });
});

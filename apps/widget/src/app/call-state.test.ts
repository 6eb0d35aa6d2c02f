import { describe, expect, it } from 'vitest';
import type { SequencedEvent } from '@visavis/protocol';
import { callEventFactory } from '@visavis/client/testing/call-events';
import {
  applyCallEvent,
  callNoticeText,
  callReducer,
  formatDuration,
  initialCallUi,
  qualityBars,
  recordingPush,
  recordingStatus,
  screenOf,
  type CallNoticeData,
  type LiveCall,
} from './call-state.js';
import { foldCallEvents } from '@visavis/client';
import { Timeline } from './timeline.js';
import { translator } from './i18n.js';

const { ev, ringing, answered, ended } = callEventFactory();

describe('formatDuration', () => {
  it('reads like a phone', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(5_400)).toBe('0:05');
    expect(formatDuration(192_000)).toBe('3:12');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-50)).toBe('0:00');
  });
});

describe('qualityBars', () => {
  it('maps the server quality to bars', () => {
    expect([qualityBars('good'), qualityBars('fair'), qualityBars('poor'), qualityBars(null)]).toEqual([3, 2, 1, 0]);
  });
});

// The fold itself (applyCallEvent) is tested with the SDK: packages/client/src/call-state.test.ts.

describe('screenOf and callReducer', () => {
  const live = (status: 'ringing' | 'active', startedBy: 'visitor' | 'agent'): LiveCall => ({
    callId: 'k1', media: 'video', profile: '720p', startedBy, status, ringingAt: '', answeredAt: null,
  });

  it('picks the screen from the call and what this page holds', () => {
    expect(screenOf(null, initialCallUi, 'visitor')).toBe('none');
    expect(screenOf(live('ringing', 'agent'), initialCallUi, 'visitor')).toBe('incoming');
    expect(screenOf(live('ringing', 'visitor'), initialCallUi, 'visitor')).toBe('outgoing');
    // Live, but this page has no media for it (reloaded mid-call).
    expect(screenOf(live('active', 'visitor'), initialCallUi, 'visitor')).toBe('elsewhere');
    const joined = callReducer(initialCallUi, { type: 'joined', callId: 'k1' });
    expect(screenOf(live('active', 'visitor'), joined, 'visitor')).toBe('in-call');
    expect(screenOf(live('active', 'visitor'), callReducer(joined, { type: 'minimise', minimised: true }), 'visitor')).toBe('mini');
    expect(screenOf(live('active', 'agent'), joined, 'agent')).toBe('in-call');
  });

  it('keeps local state per call and starts over when it is left', () => {
    let ui = callReducer(initialCallUi, { type: 'joined', callId: 'k1' });
    ui = callReducer(ui, { type: 'muted', muted: true });
    ui = callReducer(ui, { type: 'cameraOff', cameraOff: true });
    ui = callReducer(ui, { type: 'settings', open: true });
    ui = callReducer(ui, { type: 'quality', quality: 'fair' });
    ui = callReducer(ui, { type: 'phase', phase: 'reconnecting' });
    ui = callReducer(ui, { type: 'peer', audio: false, video: true });
    expect(ui).toMatchObject({ muted: true, cameraOff: true, settingsOpen: true, quality: 'fair', phase: 'reconnecting', peer: { audio: false, video: true } });
    // Minimising closes the settings sheet.
    expect(callReducer(ui, { type: 'minimise', minimised: true }).settingsOpen).toBe(false);
    // A repeat of the same value is the same object (no redraw).
    expect(callReducer(ui, { type: 'quality', quality: 'fair' })).toBe(ui);
    expect(callReducer(ui, { type: 'left' })).toEqual(initialCallUi);
    expect(callReducer(ui, { type: 'joined', callId: 'k2' })).toEqual({ ...initialCallUi, joined: 'k2' });
  });
});

describe('callNoticeText', () => {
  const n = (p: Partial<CallNoticeData>): CallNoticeData => ({ callId: 'k', media: 'video', startedBy: 'visitor', status: 'ended', ...p });

  it('names every outcome from the visitor’s side', () => {
    expect(callNoticeText(n({ status: 'ringing' })).key).toBe('callRingingOut');
    expect(callNoticeText(n({ status: 'ringing', startedBy: 'agent' })).key).toBe('callRingingIn');
    expect(callNoticeText(n({ status: 'active', media: 'audio' })).key).toBe('callActiveVoice');
    expect(callNoticeText(n({ reason: 'hangup', by: 'agent', durationMs: 192_000 }))).toEqual({ key: 'callEndedVideo', params: { duration: '3:12' } });
    expect(callNoticeText(n({ media: 'audio', reason: 'peer_lost', by: 'system', durationMs: 1000 })).key).toBe('callEndedVoice');
    expect(callNoticeText(n({ reason: 'declined', by: 'agent', durationMs: null })).key).toBe('callDeclinedByAgent');
    expect(callNoticeText(n({ startedBy: 'agent', reason: 'declined', by: 'visitor', durationMs: null })).key).toBe('callDeclinedByYou');
    expect(callNoticeText(n({ startedBy: 'agent', reason: 'no_answer', by: 'system', durationMs: null })).key).toBe('callMissed');
    expect(callNoticeText(n({ startedBy: 'agent', reason: 'cancelled', by: 'agent', durationMs: null })).key).toBe('callMissed');
    expect(callNoticeText(n({ reason: 'no_answer', by: 'system', durationMs: null })).key).toBe('callNoAnswer');
    expect(callNoticeText(n({ reason: 'cancelled', by: 'visitor', durationMs: null })).key).toBe('callCancelled');
  });
});

describe('Timeline with calls', () => {
  it('shows one line per call that changes as the call goes on, while the live call follows (the SDK fold)', () => {
    const tl = new Timeline();
    const applied: SequencedEvent[] = [];
    const apply = (e: SequencedEvent) => {
      applied.push(e);
      tl.apply(e);
    };
    apply(ringing('agent'));
    expect(foldCallEvents(applied)?.status).toBe('ringing');
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]).toMatchObject({ type: 'system', key: 'call-k1', notice: { notice: 'call', status: 'ringing', startedBy: 'agent' } });
    const before = tl.items[0];
    apply(answered());
    expect(foldCallEvents(applied)?.status).toBe('active');
    expect(tl.items[0]).not.toBe(before);
    expect(tl.items[0]).toMatchObject({ notice: { status: 'active' } });
    apply(ended('hangup', 'visitor', 65_000));
    expect(foldCallEvents(applied)).toBeNull();
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]).toMatchObject({ notice: { status: 'ended', reason: 'hangup', by: 'visitor', durationMs: 65_000 } });
  });

  it('replays history to the right state (an old call ended, a new one rings)', () => {
    const tl = new Timeline();
    const history = [ringing('visitor', 'video', 'a'), ended('declined', 'agent', null, 'a'), ringing('agent', 'audio', 'b')];
    for (const e of history) tl.apply(e);
    expect(foldCallEvents(history)).toMatchObject({ callId: 'b', media: 'audio', status: 'ringing' });
    expect(tl.items.map((i) => (i.type === 'system' && i.notice.notice === 'call' ? i.notice.status : '?'))).toEqual(['ended', 'ringing']);
  });
});

describe('recorded calls', () => {
  const recRinging = (mode: 'on' | 'mandatory', dual: boolean, by: 'visitor' | 'agent' = 'agent', callId = 'r1') =>
    ev({ type: 'call.ringing', callId, media: 'video', by, profile: '720p', recording: { mode, dual } });
  const recEvent = (state: 'running' | 'failed', callId = 'r1') => ev({ type: 'call.recording', callId, state });
  const fold = (...evs: SequencedEvent[]) => evs.reduce<LiveCall | null>(applyCallEvent, null);

  it('knows from the ringing event whether the call is recorded, before anyone answers', () => {
    expect(recordingStatus(fold(ringing('agent')), null)).toMatchObject({ recorded: false, dual: false, starting: false, paused: false });
    // An old server (or mode off) sends no recording: not recorded.
    expect(fold(ev({ type: 'call.ringing', callId: 'x', media: 'video', by: 'agent', profile: '720p', recording: { mode: 'off', dual: false } }))?.recording).toBeNull();
    const dual = fold(recRinging('mandatory', true));
    expect(recordingStatus(dual, null)).toEqual({ recorded: true, dual: true, required: true, state: null, starting: false, paused: false });
    expect(recordingStatus(fold(recRinging('on', false)), null)).toMatchObject({ recorded: true, dual: false, required: false });
  });

  it('waits for the recording once answered, until the timeline or a push says it runs', () => {
    const live = fold(recRinging('mandatory', false), answered('r1'));
    expect(live?.recordingState).toBe('starting');
    expect(recordingStatus(live, null)).toMatchObject({ starting: true, paused: false, state: 'starting' });
    // The push may come before its timeline event.
    const push = recordingPush(live, { callId: 'r1', state: 'running', paused: false });
    expect(recordingStatus(live, push)).toMatchObject({ starting: false, state: 'running' });
    const running = applyCallEvent(live, recEvent('running'));
    expect(recordingStatus(running, null)).toMatchObject({ starting: false, state: 'running', paused: false });
    // Mode on does not hold the call: no "starting" status.
    expect(recordingStatus(fold(recRinging('on', false), answered('r1')), null).starting).toBe(false);
  });

  it('pauses a required call while its recording has failed, and resumes', () => {
    let live = fold(recRinging('mandatory', true), answered('r1'), recEvent('running'));
    const failed = recordingPush(live, { callId: 'r1', state: 'failed', paused: true });
    expect(recordingStatus(live, failed).paused).toBe(true);
    live = applyCallEvent(live, recEvent('failed'));
    expect(recordingStatus(live, failed).paused).toBe(true);
    // After a reload (no push) the timeline alone says paused.
    expect(recordingStatus(live, null).paused).toBe(true);
    const back = recordingPush(live, { callId: 'r1', state: 'running', paused: false });
    expect(recordingStatus(live, back)).toMatchObject({ paused: false, state: 'running' });
    // A push lost while offline: the timeline's later event supersedes the stale "paused" push.
    const resumed = applyCallEvent(live, recEvent('running'));
    expect(recordingStatus(resumed, failed)).toMatchObject({ paused: false, state: 'running' });
    // A push for another call is ignored; a non-required call is never paused.
    expect(recordingStatus(resumed, { ...failed, callId: 'other' }).paused).toBe(false);
    const on = applyCallEvent(fold(recRinging('on', false), answered('r1')), recEvent('failed'));
    expect(recordingStatus(on, null)).toMatchObject({ paused: false, state: 'failed' });
  });

  it('keeps the pending notice in the reducer (the recording push is the SDK Call\'s)', () => {
    let ui = callReducer(initialCallUi, { type: 'muted', muted: true });
    // Joining a call starts the local state afresh.
    expect(callReducer(ui, { type: 'joined', callId: 'r1' })).toEqual({ ...initialCallUi, joined: 'r1' });
    ui = callReducer(ui, { type: 'notice', media: 'audio' });
    expect(ui.notice).toBe('audio');
    expect(callReducer(ui, { type: 'notice', media: 'audio' })).toBe(ui);
    expect(callReducer(ui, { type: 'notice', media: null }).notice).toBeNull();
  });

  it('reads recording_failed as "not connected", answered or not', () => {
    const n = (p: Partial<CallNoticeData>): CallNoticeData => ({ callId: 'k', media: 'video', startedBy: 'visitor', status: 'ended', ...p });
    expect(callNoticeText(n({ reason: 'recording_failed', by: 'system', durationMs: null })).key).toBe('callRecordingFailed');
    expect(callNoticeText(n({ reason: 'recording_failed', by: 'system', durationMs: 8000 }))).toEqual({ key: 'callRecordingFailed' });
    expect(callNoticeText(n({ startedBy: 'agent', reason: 'recording_failed', by: 'system', durationMs: null })).key).toBe('callRecordingFailed');
    expect(translator('zh-CN')('callRecordingFailed')).toBe('录像无法启动，通话未接通');
    expect(translator('zh-TW')('callRecordingFailed')).toBe('錄影無法啟動，通話未接通');
  });

  it('says on the call’s one line whether it was recorded', () => {
    const n = (p: Partial<CallNoticeData>): CallNoticeData => ({ callId: 'k', media: 'video', startedBy: 'visitor', status: 'ended', ...p });
    expect(callNoticeText(n({ status: 'ringing', recording: 'running' })).recording).toBeUndefined();
    expect(callNoticeText(n({ status: 'active', recording: 'running' }))).toEqual({ key: 'callActiveVideo', recording: 'recLineRecorded' });
    expect(callNoticeText(n({ reason: 'hangup', by: 'agent', durationMs: 61_000, recording: 'failed' }))).toEqual({
      key: 'callEndedVideo', params: { duration: '1:01' }, recording: 'recLineFailed',
    });
    expect(callNoticeText(n({ reason: 'recording_failed', by: 'system', durationMs: 3000, recording: 'failed' }))).toEqual({ key: 'callRecordingFailed' });
    expect(callNoticeText(n({ reason: 'hangup', by: 'agent', durationMs: 1000 })).recording).toBeUndefined();
    const tl = new Timeline();
    const history = [recRinging('mandatory', true, 'visitor', 't1'), answered('t1'), recEvent('running', 't1'), recEvent('failed', 't1')];
    for (const e of history) tl.apply(e);
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]).toMatchObject({ notice: { notice: 'call', status: 'active', recording: 'failed' } });
    const running = recEvent('running', 't1');
    tl.apply(running);
    expect(tl.items[0]).toMatchObject({ notice: { recording: 'running' } });
    expect(foldCallEvents([...history, running])).toMatchObject({ recordingState: 'running', recording: { mode: 'mandatory', dual: true } });
  });
});

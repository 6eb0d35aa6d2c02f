import { describe, expect, it } from 'vitest';
import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import {
  applyCallEvent,
  callNoticeText,
  callReducer,
  formatDuration,
  initialCallUi,
  qualityBars,
  screenOf,
  type CallNoticeData,
  type LiveCall,
} from './call-state.js';
import { Timeline } from './timeline.js';

let seq = 0;
const ev = (event: TimelineEvent, at = '2025-05-01T10:00:00.000Z'): SequencedEvent => ({ conversationId: 'c1', seq: ++seq, at, event });
const ringing = (by: 'visitor' | 'agent' = 'visitor', media: 'video' | 'audio' = 'video', callId = 'k1') =>
  ev({ type: 'call.ringing', callId, media, by, profile: '720p' });
const answered = (callId = 'k1') => ev({ type: 'call.answered', callId, by: 'agent' }, '2025-05-01T10:00:05.000Z');
const ended = (reason: string, by: 'visitor' | 'agent' | 'system', durationMs: number | null, callId = 'k1') =>
  ev({ type: 'call.ended', callId, by, reason, durationMs });

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
});

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
  it('shows one line per call that changes as the call goes on, and tracks the live call', () => {
    const tl = new Timeline();
    tl.apply(ringing('agent'));
    expect(tl.call?.status).toBe('ringing');
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]).toMatchObject({ type: 'system', key: 'call-k1', notice: { notice: 'call', status: 'ringing', startedBy: 'agent' } });
    const before = tl.items[0];
    tl.apply(answered());
    expect(tl.call?.status).toBe('active');
    expect(tl.items[0]).not.toBe(before);
    expect(tl.items[0]).toMatchObject({ notice: { status: 'active' } });
    tl.apply(ended('hangup', 'visitor', 65_000));
    expect(tl.call).toBeNull();
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]).toMatchObject({ notice: { status: 'ended', reason: 'hangup', by: 'visitor', durationMs: 65_000 } });
  });

  it('replays history to the right state (an old call ended, a new one rings)', () => {
    const tl = new Timeline();
    for (const e of [ringing('visitor', 'video', 'a'), ended('declined', 'agent', null, 'a'), ringing('agent', 'audio', 'b')]) tl.apply(e);
    expect(tl.call).toMatchObject({ callId: 'b', media: 'audio', status: 'ringing' });
    expect(tl.items.map((i) => (i.type === 'system' && i.notice.notice === 'call' ? i.notice.status : '?'))).toEqual(['ended', 'ringing']);
  });
});

import { describe, expect, it } from 'vitest';
import type { SequencedEvent } from '@visavis/protocol';
import type { RecordingView } from './api.js';
import {
  buildTimeline,
  callFacts,
  currentIndex,
  effectiveDuration,
  formatClock,
  groupByCall,
  kindKey,
  markerPercent,
  recordingOrigin,
  urlNeedsRenewal,
} from './playback.js';

const CONV = '11111111-1111-4111-8111-111111111111';
const CALL = '22222222-2222-4222-8222-222222222222';
const OTHER_CALL = '33333333-3333-4333-8333-333333333333';
const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

let seq = 0;
const ev = (s: number, event: SequencedEvent['event']): SequencedEvent => ({
  conversationId: CONV,
  seq: ++seq,
  at: at(s),
  event,
});
const msg = (s: number, kind: 'visitor' | 'agent', text: string) =>
  ev(s, {
    type: 'message',
    author: kind === 'agent' ? { kind, id: 'a', name: 'Li Na' } : { kind },
    text,
  } as SequencedEvent['event']);

const events: SequencedEvent[] = [
  msg(-60, 'visitor', 'Hello'),
  ev(0, { type: 'call.ringing', callId: CALL, media: 'video', by: 'agent', profile: '720p' }),
  ev(5, { type: 'call.answered', callId: CALL, by: 'visitor' }),
  msg(20, 'agent', 'Can you see me?'),
  ev(65, { type: 'call.ended', callId: CALL, by: 'agent', reason: 'hangup', durationMs: 60_000 }),
  msg(120, 'visitor', 'Thanks'),
  ev(200, { type: 'call.ringing', callId: OTHER_CALL, media: 'audio', by: 'visitor', profile: '360p' }),
];

const rec = (p: Partial<RecordingView>): RecordingView => ({
  id: 'r',
  callId: CALL,
  conversationId: CONV,
  kind: 'composite',
  party: null,
  mime: 'video/webm',
  size: 1000,
  sha256: 'x',
  durationMs: 60_000,
  startedAt: at(5),
  createdAt: at(70),
  retentionUntil: at(86_400),
  deletedAt: null,
  deletedReason: null,
  ...p,
});

describe('recordings playback logic', () => {
  it('reads a call from the timeline', () => {
    expect(callFacts(events, CALL)).toEqual({
      callId: CALL,
      media: 'video',
      ringingAt: at(0),
      answeredAt: at(5),
      endedAt: at(65),
    });
    expect(callFacts(events, 'nope').answeredAt).toBeNull();
  });

  it('groups recordings by call in call order, composite first and snapshots last', () => {
    const list = [
      rec({ id: 'o', callId: OTHER_CALL, createdAt: at(300) }),
      rec({ id: 's', kind: 'snapshot', party: 'visitor', mime: 'image/jpeg' }),
      rec({ id: 'pv', kind: 'participant', party: 'visitor' }),
      rec({ id: 'pa', kind: 'participant', party: 'agent' }),
      rec({ id: 'c' }),
    ];
    const groups = groupByCall(list, events);
    expect(groups.map((g) => g.call.callId)).toEqual([CALL, OTHER_CALL]);
    expect(groups[0]!.recordings.map((r) => r.id)).toEqual(['c', 'pa', 'pv', 's']);
    expect(kindKey({ kind: 'participant', party: 'visitor' })).toBe('rec.kind.participantVisitor');
    expect(kindKey({ kind: 'client', party: 'agent' })).toBe('rec.kind.clientAgent');
  });

  it('starts the clock at the recording, else at the answer, else at the ringing', () => {
    const call = callFacts(events, CALL);
    expect(recordingOrigin({ startedAt: at(7) }, call)).toBe(T0 + 7000);
    expect(recordingOrigin({ startedAt: null }, call)).toBe(T0 + 5000);
    expect(recordingOrigin({ startedAt: null }, { ...call, answeredAt: null })).toBe(T0);
    expect(recordingOrigin({ startedAt: null }, callFacts([], CALL))).toBeNull();
  });

  it('places messages, this call’s events and marks on the recording clock', () => {
    const items = buildTimeline({
      events,
      marks: [{ id: 'm1', atMs: 10_000, label: 'Risk notice read', createdBy: null, createdAt: at(15) }],
      callId: CALL,
      originMs: T0 + 5000,
      durationMs: 60_000,
    });
    expect(items.map((i) => [i.kind, i.atMs, i.outside])).toEqual([
      ['message', -65_000, 'before'],
      ['call', -5000, 'before'],
      ['call', 0, null],
      ['mark', 10_000, null],
      ['message', 15_000, null],
      ['call', 60_000, null],
      ['message', 115_000, 'after'],
    ]);
    // The other call's ringing is not part of this recording's timeline.
    expect(items.some((i) => i.event?.type === 'call.ringing' && i.event.callId === OTHER_CALL)).toBe(false);
    expect(items[3]!.text).toBe('Risk notice read');
    expect(items[4]).toMatchObject({ who: 'agent', text: 'Can you see me?' });

    expect(currentIndex(items, -1)).toBe(-1);
    expect(currentIndex(items, 0)).toBe(2);
    expect(currentIndex(items, 14_999)).toBe(3);
    expect(currentIndex(items, 30_000)).toBe(4);
    expect(currentIndex(items, 999_999)).toBe(5);
  });

  it('formats times as mm:ss and places markers', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(7_900)).toBe('00:07');
    expect(formatClock(245_000)).toBe('04:05');
    expect(formatClock(4_503_000)).toBe('75:03');
    expect(formatClock(-5000)).toBe('-00:05');
    expect(formatClock(Number.NaN)).toBe('--:--');
    expect(markerPercent(15_000, 60_000)).toBe(25);
    expect(markerPercent(-1, 60_000)).toBeNull();
    expect(markerPercent(61_000, 60_000)).toBeNull();
    expect(markerPercent(10, null)).toBeNull();
  });

  it('knows the duration from the catalog or the player, and when a link must be renewed', () => {
    expect(effectiveDuration(60_000, 12)).toBe(60_000);
    expect(effectiveDuration(null, 12.5)).toBe(12_500);
    expect(effectiveDuration(null, Number.POSITIVE_INFINITY)).toBeNull();
    const exp = new Date(T0 + 15 * 60_000).toISOString();
    expect(urlNeedsRenewal(exp, T0)).toBe(false);
    expect(urlNeedsRenewal(exp, T0 + 14 * 60_000 + 31_000)).toBe(true);
    expect(urlNeedsRenewal('garbage', T0)).toBe(true);
  });
});

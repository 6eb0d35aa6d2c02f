import { describe, expect, it } from 'vitest';
import {
  etaMinutes,
  fractionLeft,
  groupCounts,
  loadLevel,
  loadPercent,
  nameAgents,
  ownReason,
  waitingReason,
  parseList,
  secondsLeft,
  tickingWait,
} from './format.js';
import type { RoutingExplanation } from '@visavis/protocol';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('offer countdown', () => {
  it('counts whole seconds up, never below zero', () => {
    const expires = iso(T0 + 20_000);
    expect(secondsLeft(expires, T0)).toBe(20);
    expect(secondsLeft(expires, T0 + 100)).toBe(20);
    expect(secondsLeft(expires, T0 + 19_001)).toBe(1);
    expect(secondsLeft(expires, T0 + 20_000)).toBe(0);
    expect(secondsLeft(expires, T0 + 99_000)).toBe(0);
    expect(secondsLeft('not a date', T0)).toBe(0);
  });

  it('shrinks the bar from 1 to 0 over the ringing time', () => {
    const created = iso(T0);
    const expires = iso(T0 + 20_000);
    expect(fractionLeft(created, expires, T0)).toBe(1);
    expect(fractionLeft(created, expires, T0 + 5_000)).toBe(0.75);
    expect(fractionLeft(created, expires, T0 + 25_000)).toBe(0);
    // Browser clock behind the server's: still a full bar, not more.
    expect(fractionLeft(created, expires, T0 - 3_000)).toBe(1);
    expect(fractionLeft(expires, created, T0)).toBe(0);
  });
});

describe('waits and estimates', () => {
  it('rounds estimates up to whole minutes, at least one', () => {
    expect(etaMinutes(null)).toBeNull();
    expect(etaMinutes(undefined)).toBeNull();
    expect(etaMinutes(0)).toBe(1);
    expect(etaMinutes(59)).toBe(1);
    expect(etaMinutes(61)).toBe(2);
    expect(etaMinutes(240)).toBe(4);
    expect(etaMinutes(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('keeps a fetched waiting time ticking', () => {
    expect(tickingWait(10_000, T0, T0 + 2_500)).toBe(12_500);
    expect(tickingWait(10_000, T0, T0 - 1_000)).toBe(10_000);
  });
});

describe('load bars', () => {
  it('clamps the percentage and picks a level', () => {
    expect(loadPercent(0, 5)).toBe(0);
    expect(loadPercent(2, 5)).toBe(40);
    expect(loadPercent(7, 5)).toBe(100);
    expect(loadPercent(1, 0)).toBe(0);
    expect(loadLevel(0, 5)).toBe('idle');
    expect(loadLevel(2, 5)).toBe('ok');
    expect(loadLevel(4, 5)).toBe('high');
    expect(loadLevel(5, 5)).toBe('full');
    expect(loadLevel(3, 1)).toBe('full');
  });
});

describe('groupCounts', () => {
  it('counts waiting, VIP and ringing per group, busiest first, empty listed groups kept', () => {
    const q = [
      { groupId: 'a', vip: false, ringing: false, waitingMs: 1000 },
      { groupId: 'b', vip: true, ringing: true, waitingMs: 9000 },
      { groupId: 'a', vip: true, ringing: false, waitingMs: 5000 },
      { groupId: null, vip: false, ringing: false, waitingMs: 2000 },
    ];
    expect(groupCounts(q, ['a', 'b', 'c'])).toEqual([
      { groupId: 'a', waiting: 2, vip: 1, ringing: 0, longestMs: 5000 },
      { groupId: 'b', waiting: 1, vip: 1, ringing: 1, longestMs: 9000 },
      { groupId: null, waiting: 1, vip: 0, ringing: 0, longestMs: 2000 },
      { groupId: 'c', waiting: 0, vip: 0, ringing: 0, longestMs: 0 },
    ]);
    expect(groupCounts([])).toEqual([]);
  });
});

describe('parseList', () => {
  it('splits on commas (also the Chinese one) and newlines, trims, de-duplicates', () => {
    expect(parseList(' help, sales ,,help\nvip，贵宾 ')).toEqual(['help', 'sales', 'vip', '贵宾']);
    expect(parseList('   ')).toEqual([]);
  });
});

describe('the routing explanation', () => {
  // Reading the stored JSON (old rows too) is the server's: apps/server/src/routing/explanation.unit.test.ts.
  it('picks the choosing step', () => {
    const d: RoutingExplanation = {
      kind: 'offer',
      agentId: 'a9',
      strategy: 'designated',
      groupId: 'g1',
      reasons: [
        { step: 'eligibility', note: '3 eligible' },
        { step: 'designated', note: 'the designated agent' },
        { step: 'least-loaded', note: 'not needed' },
      ],
      candidates: [],
    };
    expect(ownReason(d.reasons, d.strategy)).toBe('the designated agent');
    expect(ownReason(d.reasons, 'vip')).toBeNull();
    expect(ownReason([{ step: 'hours', note: 'closed' }], null)).toBe('closed');
  });
});

describe('nameAgents', () => {
  it('puts names where the engine wrote agent ids', () => {
    const agents = [
      { id: '586b6f19-8831-428e-8d51-392190f4ed34', name: 'Li Na 李娜' },
      { id: 'aa', name: 'Chen Wei' },
    ];
    expect(nameAgents('offered to 586b6f19-8831-428e-8d51-392190f4ed34: highest idle rate', agents)).toBe(
      'offered to Li Na 李娜: highest idle rate',
    );
    expect(nameAgents('nobody else', agents)).toBe('nobody else');
    expect(nameAgents('idle 4/5, last assigned 2026-11-27T11:52:15.610Z', agents, () => '11:52')).toBe(
      'idle 4/5, last assigned 11:52',
    );
  });

  it('picks the line that says why a conversation waits', () => {
    const eligibility = {
      step: 'eligibility',
      note: '4 agents, 0 eligible; dropped: at capacity 2, offline 2',
    };
    expect(
      waitingReason([
        eligibility,
        { step: 'vip', note: 'pass' },
        { step: 'eligibility', note: 'queue: no step offered' },
      ]),
    ).toEqual(eligibility);
    const hours = { step: 'hours', note: 'queue: target group closed' };
    expect(waitingReason([eligibility, hours])).toEqual(hours);
    const wait = { step: 'designated', note: 'queue: waiting (designated)' };
    expect(waitingReason([eligibility, wait])).toEqual(wait);
    expect(waitingReason([])).toBeNull();
  });
});

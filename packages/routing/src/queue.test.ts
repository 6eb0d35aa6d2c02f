import { describe, expect, it } from 'vitest';
import { estimateWaitMs, orderQueue, queuePositions } from './queue.js';
import type { QueueEntry } from './types.js';

const e = (
  conversationId: string,
  enqueuedAt: number,
  vip = false,
  groupId: string | null = 'g',
): QueueEntry => ({
  conversationId,
  groupId,
  vip,
  enqueuedAt,
});

describe('orderQueue', () => {
  it('serves VIPs first, then the longest waiting, then by id', () => {
    const q = [e('c', 30), e('b', 10), e('v2', 50, true), e('a', 10), e('v1', 40, true)];
    expect(orderQueue(q).map((x) => x.conversationId)).toEqual(['v1', 'v2', 'a', 'b', 'c']);
  });

  it('keeps extra fields and does not modify its input', () => {
    const q = [
      { ...e('b', 2), visitorId: 'x' },
      { ...e('a', 1), visitorId: 'y' },
    ];
    const ordered = orderQueue(q);
    expect(ordered[0]?.visitorId).toBe('y');
    expect(q[0]?.conversationId).toBe('b');
  });
});

describe('queuePositions', () => {
  it('counts 1-based within each group, null group being its own queue', () => {
    const q = [
      e('a', 1, false, 'g1'),
      e('b', 2, false, 'g2'),
      e('c', 3, true, 'g1'),
      e('d', 4, false, null),
      e('f', 5, false, 'g1'),
    ];
    expect(Object.fromEntries(queuePositions(q))).toEqual({ c: 1, a: 2, f: 3, b: 1, d: 1 });
  });
});

describe('estimateWaitMs', () => {
  it.each<[number, number, number, number]>([
    [1, 240_000, 4, 60_000],
    [2, 240_000, 4, 120_000],
    [5, 300_000, 1, 1_500_000],
    [3, 100_000, 3, 100_000],
    [0, 100_000, 3, 0],
  ])('position %i, handle %i ms, %i agents → %i ms', (position, avgHandleMs, servingAgents, expected) => {
    expect(estimateWaitMs(position, { avgHandleMs, servingAgents })).toBe(expected);
  });

  it('has no estimate when nobody serves', () => {
    expect(estimateWaitMs(1, { avgHandleMs: 1000, servingAgents: 0 })).toBe(Infinity);
  });
});

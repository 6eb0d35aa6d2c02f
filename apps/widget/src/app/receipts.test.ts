import { describe, expect, it } from 'vitest';
import { ReceiptPolicy, type ReceiptView } from './receipts.js';

const view = (lastAgent: number, lastSeq: number, visitorReadUpTo = 0): ReceiptView => ({
  lastAgentMessageSeq: () => lastAgent,
  lastSeq,
  visitorReadUpTo,
});

describe('ReceiptPolicy', () => {
  it('marks read once while visible, and not again for our own receipt event', () => {
    const p = new ReceiptPolicy();
    expect(p.next(view(3, 4), true)).toEqual({ state: 'read', upToSeq: 4 });
    expect(p.next(view(3, 5), true)).toBeNull(); // seq 5 is our own receipt coming back
    expect(p.next(view(6, 6), true)).toEqual({ state: 'read', upToSeq: 6 });
  });

  it('marks delivered while hidden, then read when seen', () => {
    const p = new ReceiptPolicy();
    expect(p.next(view(2, 2), false)).toEqual({ state: 'delivered', upToSeq: 2 });
    expect(p.next(view(2, 3), false)).toBeNull();
    expect(p.next(view(2, 3), true)).toEqual({ state: 'read', upToSeq: 3 });
  });

  it('owes nothing for messages already read (e.g. in another tab)', () => {
    const p = new ReceiptPolicy();
    expect(p.next(view(4, 5, 5), true)).toBeNull();
    expect(p.next(view(4, 5, 5), false)).toBeNull();
    expect(p.next(view(0, 2), true)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { Decision } from '@visavis/routing';
import { explain, readExplanation, summary } from './explanation.js';

const offer: Decision = {
  kind: 'offer',
  agentId: 'a2',
  strategy: 'returning',
  groupId: null,
  reasons: [
    { step: 'eligibility', note: '2 eligible' },
    { step: 'returning', note: 'served this visitor last' },
  ],
  candidates: [
    { agentId: 'a1', kept: false, why: 'not the returning agent' },
    { agentId: 'a2', kept: true, why: '' },
  ],
};

describe('the routing explanation', () => {
  it('is the decision, stored as JSON and read back the same', () => {
    const queue: Decision = { kind: 'queue', groupId: 'g1', recheckAt: 5, closed: true, reasons: [], candidates: [] };
    for (const d of [offer, queue]) {
      expect(readExplanation(JSON.parse(JSON.stringify(explain(d))))).toEqual(explain(d));
    }
    expect(explain(offer)).toEqual(offer);
    const many = { ...offer, candidates: Array.from({ length: 300 }, (_, i) => ({ agentId: `a${i}`, kept: false, why: '' })) };
    expect(explain(many).candidates).toHaveLength(200);
  });

  it('reads a stored row of the old untyped explain() output, tolerating gaps', () => {
    // Same JSON as explain(offer) wrote: no groupId (missing, not null) and a stray entry.
    const { groupId: _dropped, ...stored } = offer;
    const d = readExplanation({ ...stored, candidates: [...offer.candidates, 7] });
    expect(d).toEqual(offer);
    expect(summary(d)).toBe('returning: served this visitor last');
  });

  it('refuses shapes it does not know, and fills a queue entry with empty values', () => {
    expect(readExplanation(null)).toBeNull();
    expect(readExplanation('offer')).toBeNull();
    expect(readExplanation({ kind: 'maybe' })).toBeNull();
    expect(readExplanation({ kind: 'queue', closed: true, recheckAt: 5 })).toEqual({
      kind: 'queue',
      closed: true,
      recheckAt: 5,
      groupId: null,
      reasons: [],
      candidates: [],
    });
    expect(summary(readExplanation({ kind: 'queue' }))).toBe('');
    expect(summary(null)).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { defaultOverloadRetryPolicy, defaultReconnectPolicy } from './reconnect.js';

describe('defaultOverloadRetryPolicy', () => {
  const at = (attempt: number, hintMs: number | null, random = 0.5, elapsedMs = 0) =>
    defaultOverloadRetryPolicy({ attempt, hintMs, elapsedMs, random: () => random });

  it('starts from the server’s hint and doubles it on each refusal, up to four seconds', () => {
    expect([1, 2, 3, 4].map((a) => at(a, 250))).toEqual([250, 500, 1000, 2000]);
    expect(at(9, 4000)).toBe(4_000);
  });

  it('spreads clients between half and one and a half times the delay', () => {
    expect(at(1, 1000, 0)).toBe(500);
    expect(at(1, 1000, 0.999)).toBe(1499);
  });

  it('uses half a second without a hint, never less than 100 ms, and gives up after a minute', () => {
    expect(at(1, null)).toBe(500);
    expect(at(1, 1)).toBe(100);
    expect(at(3, 250, 0.5, 60_001)).toBeNull();
  });
});

describe('defaultReconnectPolicy', () => {
  it('backs off exponentially to ten seconds and never gives up', () => {
    const delays = [0, 1, 2, 6, 20].map((attempt) => defaultReconnectPolicy({ attempt, random: () => 1 }));
    expect(delays).toEqual([250, 500, 1000, 10_000, 10_000]);
  });
});

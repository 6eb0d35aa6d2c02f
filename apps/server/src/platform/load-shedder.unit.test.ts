import { describe, expect, it } from 'vitest';
import { LoadShedder } from './load-shedder.js';

function shedder(opts: Partial<{ targetDelayMs: number; intervalMs: number; maxInFlight: number }> = {}) {
  let now = 1_000;
  const s = new LoadShedder({ targetDelayMs: 100, intervalMs: 100, maxInFlight: 1_000, ...opts }, () => now);
  return { s, advance: (ms: number) => (now += ms) };
}

describe('LoadShedder', () => {
  it('admits while waits stay under the target, and a burst with one short wait per interval', () => {
    const { s, advance } = shedder();
    s.observeDelay(20);
    advance(100);
    expect(s.tryEnter()).toBe(true);
    // Long waits, but one piece of work got through quickly: a burst passing, not a standing queue.
    s.observeDelay(400);
    s.observeDelay(30);
    s.observeDelay(500);
    advance(100);
    expect(s.tryEnter()).toBe(true);
  });

  it('sheds once every wait of a whole interval was above the target, and says when to come back', () => {
    const { s, advance } = shedder();
    s.tryEnter();
    s.observeDelay(150);
    s.observeDelay(300);
    expect(s.tryEnter()).toBe(true); // the interval is not over yet
    advance(100);
    expect(s.tryEnter()).toBe(false);
    expect(s.state()).toMatchObject({ shedding: true, refused: 1 });
    // About the wait it would have joined, within bounds.
    expect(s.retryAfterMs()).toBe(600);
    s.observeDelay(10_000);
    expect(s.retryAfterMs()).toBe(5_000);
  });

  it('recovers after an interval whose shortest wait is under the target, or in which nothing waited', () => {
    const { s, advance } = shedder();
    s.observeDelay(300);
    advance(100);
    expect(s.tryEnter()).toBe(false);
    s.observeDelay(300);
    s.observeDelay(40);
    advance(100);
    expect(s.tryEnter()).toBe(true);

    s.observeDelay(300);
    advance(100);
    expect(s.tryEnter()).toBe(false);
    advance(250); // nothing started waiting for two intervals: the queue is gone
    expect(s.tryEnter()).toBe(true);
  });

  it('refuses beyond the in-flight limit whatever the delays, and admits again as commands finish', () => {
    const { s } = shedder({ maxInFlight: 2 });
    expect([s.tryEnter(), s.tryEnter(), s.tryEnter()]).toEqual([true, true, false]);
    s.leave();
    expect(s.tryEnter()).toBe(true);
    expect(s.state()).toMatchObject({ inFlight: 2, refused: 1, shedding: false });
  });
});

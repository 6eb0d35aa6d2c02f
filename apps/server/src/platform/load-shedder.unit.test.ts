import { describe, expect, it } from 'vitest';
import { LoadShedder } from './load-shedder.js';

function shedder(opts: Partial<{ targetDelayMs: number; intervalMs: number; maxInFlight: number }> = {}) {
  let now = 1_000;
  const s = new LoadShedder({ targetDelayMs: 100, intervalMs: 100, maxInFlight: 1_000, ...opts }, () => now);
  return { s, advance: (ms: number) => (now += ms) };
}

describe('LoadShedder', () => {
  it('admits while waits stay under the target, and through a burst that one short wait ends', () => {
    const { s, advance } = shedder();
    s.observeDelay('db', 20);
    expect(s.tryEnter()).toBe(true);
    s.observeDelay('db', 400);
    advance(60);
    s.observeDelay('db', 30);
    advance(60);
    s.observeDelay('db', 500);
    expect(s.tryEnter()).toBe(true);
  });

  it('sheds once a queue’s waits stayed above the target for an interval, and says when to come back', () => {
    const { s, advance } = shedder();
    s.observeDelay('chat', 150);
    advance(50);
    s.observeDelay('chat', 300);
    expect(s.tryEnter()).toBe(true); // above for 50 ms only: could be a burst
    advance(50);
    s.observeDelay('chat', 300);
    expect(s.tryEnter()).toBe(false);
    expect(s.state()).toMatchObject({ shedding: true, refused: 1 });
    // About the wait it would have joined, within bounds.
    expect(s.retryAfterMs()).toBe(600);
    s.observeDelay('chat', 10_000);
    expect(s.retryAfterMs()).toBe(5_000);
  });

  it('recovers when the queue reports a short wait, or nothing for a second (it is empty)', () => {
    const { s, advance } = shedder();
    const stand = () => {
      s.observeDelay('chat', 300);
      advance(100);
      s.observeDelay('chat', 300);
    };
    stand();
    expect(s.tryEnter()).toBe(false);
    s.observeDelay('chat', 40);
    expect(s.tryEnter()).toBe(true);
    stand();
    expect(s.tryEnter()).toBe(false);
    advance(1_001);
    expect(s.tryEnter()).toBe(true);
  });

  it('judges each queue on its own: short waits in one do not hide a standing queue in another', () => {
    const { s, advance } = shedder();
    s.observeDelay('chat', 400);
    s.observeDelay('db', 0);
    advance(120);
    s.observeDelay('db', 0);
    s.observeDelay('chat', 300);
    expect(s.tryEnter()).toBe(false);
  });

  it('refuses beyond the in-flight limit whatever the delays, and admits again as commands finish', () => {
    const { s } = shedder({ maxInFlight: 2 });
    expect([s.tryEnter(), s.tryEnter(), s.tryEnter()]).toEqual([true, true, false]);
    s.leave();
    expect(s.tryEnter()).toBe(true);
    expect(s.state()).toMatchObject({ inFlight: 2, refused: 1, shedding: false });
  });
});

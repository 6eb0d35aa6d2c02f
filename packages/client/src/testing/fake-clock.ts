import type { TypingClock } from '../typing.js';

/** Test-only: a clock whose time moves only when told, running the timers that fall due. */
export function fakeClock(): { clock: TypingClock; advance(ms: number): void } {
  let now = 0;
  let n = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: TypingClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++n, { at: now + ms, fn });
      return n;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [k, t] of [...timers]) {
      if (t.at > now) continue;
      timers.delete(k);
      t.fn();
    }
  };
  return { clock, advance };
}

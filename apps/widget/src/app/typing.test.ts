import { describe, expect, it } from 'vitest';
import { Typing, type TypingClock } from './typing.js';

function fakeClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let id = 0;
  const clock: TypingClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [k, t] of [...timers]) {
      if (t.at <= now) {
        timers.delete(k);
        t.fn();
      }
    }
  };
  return { clock, advance };
}

describe('Typing throttle', () => {
  it('sends true once per refresh window and false after idling', () => {
    const sent: boolean[] = [];
    const { clock, advance } = fakeClock();
    const typing = new Typing((v) => sent.push(v), 3000, 4000, clock);
    typing.keystroke();
    advance(500);
    typing.keystroke();
    advance(500);
    typing.keystroke();
    expect(sent).toEqual([true]);
    advance(2500);
    typing.keystroke(); // 3.5 s after the first: refresh
    expect(sent).toEqual([true, true]);
    advance(4000);
    expect(sent).toEqual([true, true, false]);
  });

  it('sends false once when stopped explicitly, and nothing if never typing', () => {
    const sent: boolean[] = [];
    const { clock, advance } = fakeClock();
    const typing = new Typing((v) => sent.push(v), 3000, 4000, clock);
    typing.stop();
    expect(sent).toEqual([]);
    typing.keystroke();
    typing.stop();
    typing.stop();
    advance(10_000);
    expect(sent).toEqual([true, false]);
  });
});

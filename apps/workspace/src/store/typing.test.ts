import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDLE_MS, RESEND_MS, TypingSender } from './typing.js';

describe('TypingSender', () => {
  afterEach(() => vi.useRealTimers());

  it('throttles "typing" and stops after idling', () => {
    vi.useFakeTimers();
    const sent: boolean[] = [];
    const s = new TypingSender(
      (_id, typing) => sent.push(typing),
      () => Date.now(),
    );
    s.set('c1', true);
    s.set('c1', true);
    vi.advanceTimersByTime(1000);
    s.set('c1', true);
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(RESEND_MS);
    s.set('c1', true);
    expect(sent).toEqual([true, true]);
    vi.advanceTimersByTime(IDLE_MS);
    expect(sent).toEqual([true, true, false]);
    s.dispose();
  });

  it('sends "stopped" only when it had said "typing"', () => {
    const sent: boolean[] = [];
    const s = new TypingSender((_id, typing) => sent.push(typing));
    s.set('c1', false);
    expect(sent).toEqual([]);
    s.set('c1', true);
    s.set('c1', false);
    expect(sent).toEqual([true, false]);
    s.dispose();
  });
});

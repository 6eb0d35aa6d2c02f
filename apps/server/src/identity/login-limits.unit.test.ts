import { describe, expect, test } from 'vitest';
import { AddressLoginLimiter, LoginLimitedError } from './login-limits.js';

const clockAt = (start: number) => {
  const c = { t: start, now: () => new Date(c.t) };
  return c;
};

const refusal = (f: () => unknown): LoginLimitedError => {
  try {
    f();
  } catch (e) {
    if (e instanceof LoginLimitedError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('AddressLoginLimiter', () => {
  test('checks in progress are cut at the limit with a short Retry-After, not the window', () => {
    const clock = clockAt(0);
    const limiter = new AddressLoginLimiter(clock, 3);
    const inFlight = [limiter.begin('192.0.2.1'), limiter.begin('192.0.2.1'), limiter.begin('192.0.2.1')];
    const busy = refusal(() => limiter.begin('192.0.2.1'));
    expect(busy.retryAfterSeconds).toBe(2);
    expect(busy.message).toMatch(/at once/);
    expect(busy.details).toEqual({ retryAfterMs: 2000 });
    // Successful ones give their place back: the office keeps signing in.
    for (const a of inFlight) a.refund();
    for (let i = 0; i < 10; i++) limiter.begin('192.0.2.1').refund();
  });

  test('failures count for the whole window, and the refusal says so and when it ends', () => {
    const clock = clockAt(0);
    const limiter = new AddressLoginLimiter(clock, 2);
    limiter.begin('192.0.2.2').failed();
    clock.t = 15_000;
    limiter.begin('192.0.2.2').failed();
    const limited = refusal(() => limiter.begin('192.0.2.2'));
    expect(limited.retryAfterSeconds).toBe(45);
    expect(limited.message).toMatch(/failed/);
    expect(() => limiter.begin('192.0.2.3').refund()).not.toThrow(); // another address
    clock.t = 60_000;
    limiter.begin('192.0.2.2').refund();
  });

  test('settling twice counts once', () => {
    const limiter = new AddressLoginLimiter(clockAt(0), 1);
    const a = limiter.begin('192.0.2.4');
    a.refund();
    a.failed();
    limiter.begin('192.0.2.4').refund(); // a's failure after its refund did not count
  });
});

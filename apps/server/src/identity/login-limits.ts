import { isIPv6 } from 'node:net';
import type { FastifyReply } from 'fastify';
import { AppError } from '../platform/errors.js';
import type { Clock } from '../ports/clock.js';
import { HashingBusyError } from './passwords.js';

/** A refusal that tells the client when to come back (the route sets Retry-After from it). */
export class LoginLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many failed sign-ins from this network; try again later.',
  ) {
    // In the body too, for clients that cannot read response headers.
    super('RATE_LIMITED', message, { retryAfterMs: retryAfterSeconds * 1000 });
  }
}

/**
 * The address a limit is kept for. IPv4 as is; IPv6 by its /64, since one subscriber (and so one
 * attacker) usually holds a whole /64 and could otherwise take a fresh address per attempt.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

interface Window {
  /** Sign-ins that failed in this window. */
  failed: number;
  /** Sign-ins from this address being checked right now (any window). */
  checking: number;
  resetsAt: number;
}

/**
 * Password spraying: one address trying many accounts. Each address may have `max` sign-ins per
 * minute that failed or are still being checked; a success does not count, so a whole office
 * behind one NAT address can sign in at the start of a shift while a spray (every attempt fails)
 * is stopped after `max`. Counting attempts in progress means a burst of parallel requests is cut
 * at `max` too, before any of them has failed; but such a refusal says to come back in a moment
 * (the checks in progress end within seconds), not when the minute's window ends, and says why:
 * an office's shift start is not told it failed too often.
 */
export class AddressLoginLimiter {
  private readonly windows = new Map<string, Window>();
  private static readonly WINDOW_MS = 60_000;
  /** Above this many addresses, expired windows are swept on the next attempt. */
  private static readonly SWEEP_ABOVE = 10_000;
  /** Retry-After when the address's checks in progress are what is over the limit. */
  private static readonly BUSY_RETRY_SECONDS = 2;

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
  ) {}

  /** Counts an attempt in progress or throws LoginLimitedError; then `failed` or `refund` (it did not count). */
  begin(ip: string): { refund(): void; failed(): void } {
    const now = this.clock.now().getTime();
    if (this.windows.size > AddressLoginLimiter.SWEEP_ABOVE) this.sweep(now);
    const key = addressKey(ip);
    let w = this.windows.get(key);
    if (!w) {
      w = { failed: 0, checking: 0, resetsAt: now + AddressLoginLimiter.WINDOW_MS };
      this.windows.set(key, w);
    } else if (w.resetsAt <= now) {
      w.failed = 0;
      w.resetsAt = now + AddressLoginLimiter.WINDOW_MS;
    }
    if (w.failed >= this.max) throw new LoginLimitedError(Math.max(1, Math.ceil((w.resetsAt - now) / 1000)));
    if (w.failed + w.checking >= this.max) {
      throw new LoginLimitedError(AddressLoginLimiter.BUSY_RETRY_SECONDS, 'Too many sign-ins from this network at once; try again in a moment.');
    }
    w.checking++;
    const counted = w;
    let settled = false;
    const settle = (failed: boolean) => {
      if (settled) return;
      settled = true;
      counted.checking--;
      // A failure counts in the window it ends in (the same object: begin() resets it in place).
      if (failed) counted.failed++;
    };
    return { refund: () => settle(false), failed: () => settle(true) };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetsAt <= now && w.checking === 0) this.windows.delete(key);
  }
}

/**
 * Runs a password check under the address limit: a wrong password (or any other refusal of the
 * check) counts as failed; a right password and a check that never ran (hashing queue full) do
 * not; refusals carry Retry-After.
 */
export async function limitedLogin<T>(limiter: AddressLoginLimiter, ip: string, reply: FastifyReply, check: () => Promise<T>): Promise<T> {
  try {
    const attempt = limiter.begin(ip);
    const result = await check().catch((e: unknown) => {
      // A check that never ran (hashing queue full) does not count against the address.
      if (e instanceof HashingBusyError) attempt.refund();
      else attempt.failed();
      throw e;
    });
    attempt.refund();
    return result;
  } catch (e) {
    if (e instanceof LoginLimitedError || e instanceof HashingBusyError) reply.header('retry-after', String(e.retryAfterSeconds));
    throw e;
  }
}

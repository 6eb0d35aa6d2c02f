import { isIPv6 } from 'node:net';
import type { FastifyReply } from 'fastify';
import { AppError } from '../platform/errors.js';
import type { Clock } from '../ports/clock.js';
import { HashingBusyError } from './passwords.js';

/** A refusal that tells the client when to come back (the route sets Retry-After from it). */
export class LoginLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many failed sign-ins from this network; try again later.');
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
  attempts: number;
  resetsAt: number;
}

/**
 * Password spraying: one address trying many accounts. Each address may have `max` sign-ins per
 * minute that failed or are still being checked; a success gives its attempt back, so a whole
 * office behind one NAT address can sign in at the start of a shift while a spray (every
 * attempt fails) is stopped after `max`. Counting attempts in progress means a burst of
 * parallel requests is cut at `max` too, before any of them has failed.
 */
export class AddressLoginLimiter {
  private readonly windows = new Map<string, Window>();
  private static readonly WINDOW_MS = 60_000;
  /** Above this many addresses, expired windows are swept on the next attempt. */
  private static readonly SWEEP_ABOVE = 10_000;

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
  ) {}

  /** Counts an attempt or throws LoginLimitedError; `refund` when it turned out not to count. */
  begin(ip: string): { refund(): void } {
    const now = this.clock.now().getTime();
    if (this.windows.size > AddressLoginLimiter.SWEEP_ABOVE) this.sweep(now);
    const key = addressKey(ip);
    let w = this.windows.get(key);
    if (!w || w.resetsAt <= now) {
      w = { attempts: 0, resetsAt: now + AddressLoginLimiter.WINDOW_MS };
      this.windows.set(key, w);
    }
    if (w.attempts >= this.max) throw new LoginLimitedError(Math.max(1, Math.ceil((w.resetsAt - now) / 1000)));
    w.attempts++;
    const counted = w;
    let settled = false;
    return {
      refund: () => {
        if (settled) return;
        settled = true;
        counted.attempts = Math.max(0, counted.attempts - 1);
      },
    };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetsAt <= now) this.windows.delete(key);
  }
}

/**
 * Runs a password check under the address limit: a right password and a check that never ran
 * (hashing queue full) give the attempt back; refusals carry Retry-After.
 */
export async function limitedLogin<T>(limiter: AddressLoginLimiter, ip: string, reply: FastifyReply, check: () => Promise<T>): Promise<T> {
  try {
    const attempt = limiter.begin(ip);
    const result = await check().catch((e: unknown) => {
      if (e instanceof HashingBusyError) attempt.refund();
      throw e;
    });
    attempt.refund();
    return result;
  } catch (e) {
    if (e instanceof LoginLimitedError || e instanceof HashingBusyError) reply.header('retry-after', String(e.retryAfterSeconds));
    throw e;
  }
}

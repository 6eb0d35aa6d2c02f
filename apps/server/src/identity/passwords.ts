import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../platform/errors.js';

// The callback form of crypto.scrypt runs on libuv's thread pool, not on the event loop: a
// hash in progress never stalls other requests or sockets (passwords.unit.test.ts checks it).
// It still costs a pool thread (shared with file I/O) and ~32 MiB, hence the gate below.
const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

// N=2^15, r=8, p=1: ~32 MiB and tens of ms per hash, OWASP's scrypt recommendation.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LEN = 32;

/** Thrown when the hashing queue is full; the login answers 429 with this Retry-After. */
export class HashingBusyError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    // In the body too, for clients that cannot read response headers.
    super('RATE_LIMITED', 'Too many sign-ins are being checked right now; try again in a moment.', { retryAfterMs: retryAfterSeconds * 1000 });
  }
}

/**
 * At most `maxConcurrent` hashes run at once and at most `maxQueued` wait; any more are refused
 * at once. A password spray from many addresses then costs bounded memory and pool threads and
 * gets fast 429s, instead of a queue whose waits grow without end.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Recent time one hash took (moving average), for the Retry-After of a refusal. */
  private hashMs = 100;

  constructor(
    private maxConcurrent: number,
    private maxQueued: number,
    /** Milliseconds from some origin; a test passes its own. */
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  configure(limits: { maxConcurrent: number; maxQueued: number }): void {
    this.maxConcurrent = limits.maxConcurrent;
    this.maxQueued = limits.maxQueued;
  }

  /**
   * When a refused sign-in should come back: about when today's queue will have been worked
   * through, so a shift's worth of agents retrying is spread over that time instead of returning
   * together every second (and their per-account limit is not spent on refusals).
   */
  retryAfterSeconds(): number {
    const drainMs = ((this.waiting.length + this.running) * this.hashMs) / this.maxConcurrent;
    return Math.min(30, Math.max(1, Math.ceil(drainMs / 1000)));
  }

  load(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.maxConcurrent) this.running++;
    else if (this.waiting.length < this.maxQueued) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else throw new HashingBusyError(this.retryAfterSeconds());
    const started = this.nowMs();
    try {
      return await work();
    } finally {
      this.hashMs = 0.8 * this.hashMs + 0.2 * (this.nowMs() - started);
      // Hand the slot straight to the next waiter, so `running` never dips and refills.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** The process-wide gate; the server sets its limits at start (LOGIN_MAX_*_HASHES). */
export const hashGate = new HashGate(2, 32);

/** Format: scrypt$N$r$p$salt(base64)$key(base64), so parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await hashGate.run(() => scrypt(password, salt, KEY_LEN, PARAMS));
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await hashGate.run(() =>
    scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: PARAMS.maxmem,
    }),
  );
  return timingSafeEqual(actual, expected);
}

/** A hash to compare against when the email is unknown, so timing does not reveal accounts. */
export const DUMMY_HASH_PROMISE = hashPassword(randomBytes(16).toString('hex'));

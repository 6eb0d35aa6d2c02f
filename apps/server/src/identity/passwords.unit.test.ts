import { describe, expect, test } from 'vitest';
import { HashGate, HashingBusyError, hashPassword, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  test('a hash runs off the event loop: timers keep firing while scrypt works', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let ticksWhenDone = -1;
    // Several hashes (tens of ms each): were scrypt on the main thread, no timer could fire
    // until all of them had finished.
    await Promise.all([hashPassword('a'), hashPassword('b')]).then(() => (ticksWhenDone = ticks));
    clearInterval(timer);
    expect(ticksWhenDone).toBeGreaterThanOrEqual(3);
  });

  test('verify accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});

describe('HashGate', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  test('runs at most maxConcurrent, queues maxQueued and refuses the rest at once', async () => {
    const gate = new HashGate(2, 1);
    const started: number[] = [];
    const jobs = [0, 1, 2].map(() => deferred());
    const runs = jobs.map((job, i) =>
      gate.run(async () => {
        started.push(i);
        await job.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.load()).toEqual({ running: 2, queued: 1 });

    await expect(gate.run(async () => 'never')).rejects.toBeInstanceOf(HashingBusyError);
    const refused = await gate.run(async () => 'never').catch((e: HashingBusyError) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });

    jobs[0]!.resolve();
    await runs[0];
    await Promise.resolve();
    // The freed slot went to the waiting job; nothing waits now.
    expect(started).toEqual([0, 1, 2]);
    expect(gate.load()).toEqual({ running: 2, queued: 0 });

    jobs[1]!.resolve();
    jobs[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(gate.load()).toEqual({ running: 0, queued: 0 });
  });

  test('a failing job frees its slot', async () => {
    const gate = new HashGate(1, 0);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'ok')).toBe('ok');
    expect(gate.load()).toEqual({ running: 0, queued: 0 });
  });

  test('a refusal says to come back when the queue will have been worked through', async () => {
    let now = 0;
    const gate = new HashGate(2, 4, () => now);
    // Hashes that take 2 s each on this (pretend) machine teach the gate their cost.
    for (let i = 0; i < 10; i++) {
      await gate.run(async () => {
        now += 2000;
      });
    }
    const jobs = Array.from({ length: 6 }, () => deferred());
    const runs = jobs.map((job) => gate.run(() => job.promise));
    const refused = await gate.run(async () => 'never').catch((e: HashingBusyError) => e);
    // 6 ahead, 2 at a time, ~2 s each: about 6 s.
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: 6000 } });
    expect((refused as HashingBusyError).retryAfterSeconds).toBe(6);
    for (const job of jobs) job.resolve();
    await Promise.all(runs);
  });
});

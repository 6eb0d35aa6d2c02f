// Password spraying and the cost of password hashing: one address trying many accounts is
// stopped after LOGIN_RATE_PER_ADDRESS_PER_MINUTE failures, other addresses and offices behind
// one NAT still sign in, and the scrypt work of all sign-ins together is capped (fast 429s).
// Client addresses come from X-Forwarded-For (TRUST_PROXY=true), as behind the deploy proxy.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { addressKey } from '../src/identity/login-limits.js';
import { hashGate } from '../src/identity/passwords.js';
import { startServer, type RunningServer } from '../src/server.js';
import { DEMO_PASSWORD } from './support.js';

const AGENT = 'agent1@demo.visavis.local';
const ATTACKER = '203.0.113.7';
const OTHER = '198.51.100.9';

/** A clock the test moves forward by hand; everything else in the server runs on it too. */
class ManualClock {
  private t = Date.now();
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

interface Started {
  server: RunningServer;
  clock: ManualClock;
  stop(): Promise<void>;
}

async function start(env: Record<string, string>): Promise<Started> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-login-limits-'));
  const clock = new ManualClock();
  const config = loadConfig({
    PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_PASSWORD, JANUS_BIN: 'off', TRUST_PROXY: 'true', ...env,
  });
  const server = await startServer(config, clock);
  return {
    server,
    clock,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

interface LoginResult {
  status: number;
  code: string | undefined;
  retryAfter: string | null;
  cookie: string | null;
  ms: number;
}

async function login(s: Started, from: string, email: string, password: string): Promise<LoginResult> {
  const t0 = performance.now();
  const res = await fetch(`${s.server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return {
    status: res.status,
    code: body.error?.code,
    retryAfter: res.headers.get('retry-after'),
    cookie: res.headers.get('set-cookie'),
    ms: performance.now() - t0,
  };
}

describe('per-address limit over all accounts (password spraying)', () => {
  let s: Started;
  beforeAll(async () => {
    // The per-account limit is raised so that only the per-address limit is under test here.
    s = await start({ LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '30', LOGIN_RATE_PER_MINUTE: '1000' });
  });
  afterAll(async () => s?.stop());

  test('80 distinct e-mails from one address: limited after 30, others still sign in, the window ends', async () => {
    const results: LoginResult[] = [];
    for (let i = 0; i < 80; i++) results.push(await login(s, ATTACKER, `sprayed-${i}@example.test`, 'Winter2026!'));

    const firstLimited = results.findIndex((r) => r.status === 429);
    expect(firstLimited).toBe(30);
    expect(results.slice(0, 30).every((r) => r.status === 401 && r.code === 'INVALID_CREDENTIALS')).toBe(true);
    for (const r of results.slice(30)) {
      expect(r.status).toBe(429);
      expect(r.code).toBe('RATE_LIMITED');
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
    }

    // Even the right password is refused from the sprayed address during the window...
    expect((await login(s, ATTACKER, AGENT, DEMO_PASSWORD)).status).toBe(429);
    // ...while another address signs in normally.
    const other = await login(s, OTHER, AGENT, DEMO_PASSWORD);
    expect(other.status).toBe(200);
    expect(other.cookie).toMatch(/^vv_session=/);

    // After the window the right password works from the sprayed address again.
    s.clock.advance(61_000);
    const after = await login(s, ATTACKER, AGENT, DEMO_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.cookie).toMatch(/^vv_session=/);
  });

  test('addresses in one IPv6 /64 share a limit; another /64 does not', async () => {
    s.clock.advance(61_000);
    const statuses: number[] = [];
    for (let i = 1; i <= 31; i++) statuses.push((await login(s, `2001:db8:5:6::${i.toString(16)}`, `v6-${i}@example.test`, 'x-password')).status);
    expect(statuses.slice(0, 30).every((st) => st === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await login(s, '2001:db8:5:7::1', AGENT, DEMO_PASSWORD)).status).toBe(200);
  });

  test('successful sign-ins do not count: an office behind one address signs in many times', async () => {
    s.clock.advance(61_000);
    const office = '192.0.2.44';
    for (let i = 0; i < 35; i++) expect((await login(s, office, AGENT, DEMO_PASSWORD)).status).toBe(200);
    // Failures from that address are still counted from zero.
    const wrong: number[] = [];
    for (let i = 0; i < 31; i++) wrong.push((await login(s, office, `nobody-${i}@example.test`, 'nope-nope')).status);
    expect(wrong.filter((st) => st === 401)).toHaveLength(30);
    expect(wrong[30]).toBe(429);
  });
});

describe('global cap on password hashing', () => {
  let s: Started;
  beforeAll(async () => {
    s = await start({
      LOGIN_MAX_CONCURRENT_HASHES: '1',
      LOGIN_MAX_QUEUED_HASHES: '2',
      LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '1000',
      LOGIN_RATE_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => s?.stop());

  test('a spray from many addresses gets fast 429s instead of an unbounded queue', async () => {
    let maxRunning = 0;
    let maxQueued = 0;
    const sampler = setInterval(() => {
      const load = hashGate.load();
      maxRunning = Math.max(maxRunning, load.running);
      maxQueued = Math.max(maxQueued, load.queued);
    }, 1);
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => login(s, `198.18.0.${i + 1}`, `spray-${i}@example.test`, 'Summer2026!')),
    );
    clearInterval(sampler);

    const refused = results.filter((r) => r.status === 429);
    const checked = results.filter((r) => r.status === 401);
    expect(refused.length + checked.length).toBe(24);
    // One hash at a time and two waiting: most of a burst of 24 is refused.
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(checked.length).toBeGreaterThanOrEqual(3);
    for (const r of refused) {
      expect(r.code).toBe('RATE_LIMITED');
      // About when the queue (one running, two waiting) will have been worked through: seconds, not the minute's window.
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(5);
    }
    expect(maxRunning).toBe(1);
    expect(maxQueued).toBeLessThanOrEqual(2);
    // A refusal does not wait for the queue: every 429 came back before the slowest check ended.
    expect(Math.max(...refused.map((r) => r.ms))).toBeLessThan(Math.max(...checked.map((r) => r.ms)));

    // Nothing stays stuck: the gate is empty again and a right password works.
    expect(hashGate.load()).toEqual({ running: 0, queued: 0 });
    expect((await login(s, OTHER, AGENT, DEMO_PASSWORD)).status).toBe(200);
  });
});

describe('addressKey', () => {
  test('IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:5:6::1')).toBe('2001:db8:5:6::/64');
    expect(addressKey('2001:0db8:0005:0006:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:5:6::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

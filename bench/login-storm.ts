// A shift starting: N agents sign in (POST /api/auth/login, scrypt N=2^15 on the server) spread
// over a window, or all at once (--window 0), from 127.0.0.x source addresses (--per-address
// agents each), with the server's default sign-in limits. A 429 is retried after its Retry-After,
// as the workspace does. Reports login latency (first try to signed in), 429s and retries, the
// server's CPU, and the floor: one scrypt hash on this machine × N / cores.
//
//   npm run bench -- --only login-storm                    500 agents over 60 s
//   npm run bench -- --only login-storm --window 0         the same 500 at once
import { scryptSync, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import { startServer } from '../e2e/harness/server.js';
import { prepareFleet } from './lib/agent-fleet.js';
import { fromFunction } from './lib/bench.js';
import { childCpuMs } from './lib/system.js';

const PASSWORD = 'bench-password-1';
/** Attempts per agent before the bench gives up on them (counted as failed). */
const MAX_ATTEMPTS = 20;

interface Answer {
  status: number;
  retryAfterSeconds: number | null;
}

/** One sign-in from `localAddress` (the server keys its limits by client address). */
function signIn(base: string, localAddress: string, email: string): Promise<Answer> {
  const body = JSON.stringify({ email, password: PASSWORD });
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/api/auth/login`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          const after = Number(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, retryAfterSeconds: Number.isFinite(after) ? after : null });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

export const loginStormBenchmark = fromFunction(
  'login-storm',
  'N agents signing in over a window (a shift starting): login p50/p95/p99, 429s and retries, server CPU',
  async (p) => {
    const agents = p.num('agents');
    const windowMs = p.num('window') * 1000;
    const perAddress = p.num('per-address');
    const fleet = await prepareFleet({ agents, capacity: 5, password: PASSWORD, sessions: false });
    const server = await startServer({ dataDir: fleet.dataDir, env: { ...fleet.env, DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' } });
    try {
      // The floor: what the hashes alone cost on this machine, all cores busy.
      const t0 = performance.now();
      scryptSync(PASSWORD, randomBytes(16), 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
      const hashMs = performance.now() - t0;
      const floorSeconds = (hashMs * agents) / availableParallelism() / 1000;

      const latencies: number[] = [];
      let refusals = 0;
      let retried = 0;
      let failed = 0;
      const cpuBefore = (await childCpuMs()) ?? NaN;
      const start = performance.now();
      await Promise.all(
        fleet.agents.map(async (agent, i) => {
          const at = windowMs === 0 ? 0 : Math.random() * windowMs;
          await new Promise((r) => setTimeout(r, at));
          const address = `127.0.0.${1 + Math.floor(i / perAddress)}`;
          const first = performance.now();
          for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            const answer = await signIn(server.url, address, agent.email);
            if (answer.status === 200) {
              latencies.push(performance.now() - first);
              if (attempt > 1) retried++;
              return;
            }
            if (answer.status !== 429) break;
            refusals++;
            await new Promise((r) => setTimeout(r, (answer.retryAfterSeconds ?? 1) * 1000));
          }
          failed++;
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      const cpu = (((await childCpuMs()) ?? NaN) - cpuBefore) / 1000 / seconds;
      latencies.sort((a, b) => a - b);
      const s = (ms: number) => (ms / 1000).toFixed(2);
      console.log(`\nlogin storm (${fleet.label}): ${agents} agents, ${windowMs === 0 ? 'all at once' : `over ${windowMs / 1000} s`}, ${perAddress} per 127.0.0.x address`);
      console.log(`  signed in ${latencies.length}, failed ${failed}; login p50 / p95 / p99 / max = ${s(pct(latencies, 50))} / ${s(pct(latencies, 95))} / ${s(pct(latencies, 99))} / ${s(latencies.at(-1) ?? NaN)} s`);
      console.log(`  429s ${refusals}, agents that needed a retry ${retried}; all done in ${seconds.toFixed(1)} s; server CPU ${(cpu * 100).toFixed(0)} % of a core`);
      console.log(`  floor: one scrypt hash here ${hashMs.toFixed(0)} ms × ${agents} / ${availableParallelism()} cores = ${floorSeconds.toFixed(1)} s of hashing`);
      return { ok: failed === 0, problems: failed ? [`${failed} agents never signed in`] : [] };
    } finally {
      await server.stop();
      await fleet.cleanup();
    }
  },
  [
    { name: 'agents', default: 500, help: 'agents signing in' },
    { name: 'window', default: 60, help: 'seconds the sign-ins are spread over (0 = all at once)' },
    { name: 'per-address', default: 10, help: 'agents per 127.0.0.x source address' },
  ],
);

// Enqueue -> offer latency and assignments per second through the real server.
//
//   npx tsx bench/routing-server.ts            (PostgreSQL from BENCH_DATABASE_URL / TEST_DATABASE_URL,
//                                               else 127.0.0.1:5432/test if it answers, else embedded PGlite)
//
// Set-up: the agents and their sessions are written before the server starts, through the
// server's own stores with one password hash for all (bench/lib/agent-fleet.ts): 1,000 sign-ins
// through scrypt would cost minutes here. Then every agent's socket comes online, 32 at a time.
//
// Two phases, same server:
//   1. latency: visitors arrive one at a time (no queue); each `conversation.start` -> the agent's
//      `offer.ringing` push. Measures the routing path alone: outbox kick, snapshot, decide, apply
//      transaction, bus push.
//   2. throughput: BURST visitors arrive at once onto agents with enough capacity and auto-accept;
//      time from the first start to the last assignment push -> assignments per second.
import pg from 'pg';
import WebSocket from 'ws';
import { Connection, type WebSocketLike } from '@visavis/client';
import type { ConversationSummary, RoutingConfig, ServerMessage } from '@visavis/protocol';
import { startServer, type RunningServer } from '../e2e/harness/server.js';
import { CROWD_FROM_ONE_ADDRESS } from './lib/crowd-env.js';
import { prepareFleet, type Fleet } from './lib/agent-fleet.js';
import { pool } from './lib/system.js';

const PASSWORD = 'bench-password-1';
/** Requests in flight while setting up (sockets, admin changes, visitor sessions). */
const SETUP_CONCURRENCY = 32;

export interface RoutingServerBenchOptions {
  agents?: number;
  latencySamples?: number;
  burst?: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ws = (headers: Record<string, string> = {}) => (url: string) => new WebSocket(url, { headers }) as unknown as WebSocketLike;

async function http<T>(base: string, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function login(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/**
 * Waits until the server has delivered every due event and command (PostgreSQL only: the bench
 * cannot open an embedded PGlite the server holds); answers what it saw, for the report.
 */
async function settle(databaseUrl: string | undefined): Promise<string> {
  if (!databaseUrl) return 'not waited for the outbox (PGlite)';
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const due = `select (select count(*) from outbox where dispatched_at is null and available_at <= now())
                      + (select count(*) from commands where dispatched_at is null and available_at <= now()) as n`;
    while (Number((await client.query<{ n: string }>(due)).rows[0]!.n) > 0) {
      if (performance.now() - t0 > 120_000) throw new Error('the server did not work through its outbox within 2 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.end();
  }
  return `outbox worked through after ${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

export async function runRoutingServerBench(opts: RoutingServerBenchOptions = {}): Promise<void> {
  const agentsN = opts.agents ?? Number(process.env.BENCH_AGENTS ?? 20);
  const samples = opts.latencySamples ?? Number(process.env.BENCH_SAMPLES ?? 200);
  const burst = opts.burst ?? Number(process.env.BENCH_BURST ?? 500);
  // Agents: ringing offers for phase 1 (auto-accept off), capacity to take the whole burst.
  const capacity = Math.min(100, Math.ceil(burst / agentsN) + 1);
  const setupStart = performance.now();
  const fleet: Fleet = await prepareFleet({ agents: agentsN, capacity, password: PASSWORD, sessions: true });
  let server: RunningServer | undefined;
  const conns: Connection[] = [];
  try {
    server = await startServer({
      dataDir: fleet.dataDir,
      env: { ...fleet.env, ...CROWD_FROM_ONE_ADDRESS, DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' },
    });
    const base = server.url;
    const wsUrl = base.replace(/^http/, 'ws') + '/ws';
    const admin = await login(base, 'admin@demo.visavis.local');
    const { config } = await http<{ config: RoutingConfig }>(base, admin, 'GET', '/api/admin/routing-config');
    await http(base, admin, 'PUT', '/api/admin/routing-config', { ...config, ringTimeoutMs: 60_000 });
    const autoAccept = (on: boolean) =>
      pool(fleet.agents, SETUP_CONCURRENCY, (a) => http(base, admin, 'PUT', `/api/admin/agents/${a.id}/routing`, { autoAccept: on }));
    await autoAccept(false);

    const ringing = new Map<string, number>(); // conversationId -> time the offer push arrived
    const assigned = new Map<string, number>();
    await pool(fleet.agents, SETUP_CONCURRENCY, async (agent) => {
      const conn = new Connection({ url: wsUrl, createSocket: ws({ cookie: agent.cookie }), reconnectPolicy: () => 100 });
      conns.push(conn);
      conn.on('message', (m: ServerMessage) => {
        const now = performance.now();
        if (m.type === 'offer.ringing') {
          ringing.set(m.offer.conversationId, now);
        }
        if (m.type === 'inbox.updated' && m.conversation.status === 'assigned' && !assigned.has(m.conversation.id)) {
          assigned.set(m.conversation.id, now);
        }
      });
      await conn.request({ type: 'presence.set', presence: 'online' });
    });
    // Coming online queued a drain per agent: the measurement starts once the server has
    // worked through them, not while they still delay every enqueue.
    const settled = await settle(fleet.env.DATABASE_URL);
    const setupSeconds = (performance.now() - setupStart) / 1000;

    const visitor = async () => {
      const s = await http<{ visitorToken: string }>(base, '', 'POST', '/api/visitor/session', { siteKey: 'demo-bank' });
      const conn = new Connection({ url: wsUrl, token: s.visitorToken, createSocket: ws(), reconnectPolicy: () => 100 });
      conns.push(conn);
      await conn.request({ type: 'ping' });
      return conn;
    };
    const waitUntil = async (ok: () => boolean, what: string, ms = 60_000) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 2));
      }
    };

    // Phase 1: one visitor at a time; the visitor leaves once the offer rings, which withdraws
    // the offer and gives the units back, so capacity never fills.
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const v = await visitor();
      const t0 = performance.now();
      const { conversation } = await v.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
      await waitUntil(() => ringing.has(conversation.id), 'offer push');
      latencies.push(ringing.get(conversation.id)! - t0);
      await v.request({ type: 'conversation.close', conversationId: conversation.id });
      v.close();
    }
    latencies.sort((a, b) => a - b);

    // Phase 2: auto-accept on, BURST visitors connect first, then all start at once.
    await autoAccept(true);
    const visitors = await pool(Array.from({ length: burst }), SETUP_CONCURRENCY, () => visitor());
    assigned.clear();
    const t0 = performance.now();
    const ids = await Promise.all(
      visitors.map(async (v) => (await v.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' })).conversation.id),
    );
    await waitUntil(() => ids.every((id) => assigned.has(id)), 'all assigned', 120_000);
    const last = Math.max(...ids.map((id) => assigned.get(id)!));
    const perConversation = ids.map((id) => assigned.get(id)! - t0).sort((a, b) => a - b);
    const seconds = (last - t0) / 1000;

    console.log(`\nrouting through the server (${fleet.label}), ${agentsN} agents of capacity ${capacity}`);
    console.log(`  set-up: ${setupSeconds.toFixed(1)} s (database and agents ${fleet.seconds.toFixed(1)} s, then server start, sockets online; ${settled})`);
    console.log('  phase                        n     p50 ms   p99 ms   max ms');
    const row = (name: string, xs: number[]) =>
      console.log(`  ${name.padEnd(26)} ${String(xs.length).padStart(5)} ${pct(xs, 50).toFixed(1).padStart(9)} ${pct(xs, 99).toFixed(1).padStart(8)} ${xs[xs.length - 1]!.toFixed(1).padStart(8)}`);
    row('enqueue -> offer (idle)', latencies);
    row(`burst start -> assigned`, perConversation);
    console.log(`  burst of ${burst}: all assigned in ${seconds.toFixed(2)} s = ${(burst / seconds).toFixed(0)} assignments/s`);
  } finally {
    for (const c of conns) c.close();
    await server?.stop();
    await fleet.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runRoutingServerBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

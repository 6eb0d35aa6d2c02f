// Enqueue -> offer latency and assignments per second through the real server.
//
//   npx tsx bench/routing-server.ts            (PostgreSQL from BENCH_DATABASE_URL / TEST_DATABASE_URL,
//                                               else 127.0.0.1:5432/test if it answers, else embedded PGlite)
//
// Two phases, same server:
//   1. latency: visitors arrive one at a time (no queue); each `conversation.start` -> the agent's
//      `offer.ringing` push. Measures the routing path alone: outbox kick, snapshot, decide, apply
//      transaction, bus push.
//   2. throughput: BURST visitors arrive at once onto agents with enough capacity and auto-accept;
//      time from the first start to the last assignment push -> assignments per second.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import { Connection, type WebSocketLike } from '@visavis/client';
import type { ConversationSummary, RoutingConfig, ServerMessage } from '@visavis/protocol';
import { startServer, type RunningServer } from '../e2e/harness/server.js';
import { CROWD_FROM_ONE_ADDRESS } from './lib/crowd-env.js';

const PASSWORD = 'bench-password-1';

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

/** A fresh database on the PostgreSQL server, or null to use embedded PGlite. */
async function pickDatabase(): Promise<{ url: string | null; label: string; drop: () => Promise<void> }> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return { url: null, label: 'embedded PGlite (no PostgreSQL reachable)', drop: async () => undefined };
  }
  const name = `vv_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    label: `PostgreSQL ${url.host}`,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end();
    },
  };
}

export async function runRoutingServerBench(opts: RoutingServerBenchOptions = {}): Promise<void> {
  const agentsN = opts.agents ?? Number(process.env.BENCH_AGENTS ?? 20);
  const samples = opts.latencySamples ?? Number(process.env.BENCH_SAMPLES ?? 200);
  const burst = opts.burst ?? Number(process.env.BENCH_BURST ?? 500);
  const db = await pickDatabase();
  let server: RunningServer | undefined;
  const conns: Connection[] = [];
  try {
    server = await startServer({
      env: {
        ...(db.url ? { DATABASE_URL: db.url } : {}),
        ...CROWD_FROM_ONE_ADDRESS,
        DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn',
      },
    });
    const base = server.url;
    const wsUrl = base.replace(/^http/, 'ws') + '/ws';
    const admin = await login(base, 'admin@demo.visavis.local');
    const { config } = await http<{ config: RoutingConfig }>(base, admin, 'GET', '/api/admin/routing-config');
    await http(base, admin, 'PUT', '/api/admin/routing-config', { ...config, ringTimeoutMs: 60_000 });

    // Agents: ringing offers for phase 1 (auto-accept off), capacity to take the whole burst.
    const capacity = Math.min(100, Math.ceil(burst / agentsN) + 1);
    const ringing = new Map<string, number>(); // conversationId -> time the offer push arrived
    const assigned = new Map<string, number>();
    const agentIds: string[] = [];
        for (let i = 0; i < agentsN; i++) {
      const email = `bench-${i}@example.test`;
      const { agent } = await http<{ agent: { id: string } }>(base, admin, 'POST', '/api/admin/agents', {
        email, name: `Bench ${i}`, password: PASSWORD, capacity,
      });
      agentIds.push(agent.id);
      await http(base, admin, 'PUT', `/api/admin/agents/${agent.id}/routing`, { autoAccept: false });
      const conn = new Connection({ url: wsUrl, createSocket: ws({ cookie: await login(base, email) }), reconnectPolicy: () => 100 });
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
      conns.push(conn);
    }

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
    for (const id of agentIds) await http(base, admin, 'PUT', `/api/admin/agents/${id}/routing`, { autoAccept: true });
    const visitors = await Promise.all(Array.from({ length: burst }, () => visitor()));
    assigned.clear();
    const t0 = performance.now();
    const ids = await Promise.all(
      visitors.map(async (v) => (await v.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' })).conversation.id),
    );
    await waitUntil(() => ids.every((id) => assigned.has(id)), 'all assigned', 120_000);
    const last = Math.max(...ids.map((id) => assigned.get(id)!));
    const perConversation = ids.map((id) => assigned.get(id)! - t0).sort((a, b) => a - b);
    const seconds = (last - t0) / 1000;

    console.log(`\nrouting through the server (${db.label}), ${agentsN} agents`);
    console.log('  phase                        n     p50 ms   p99 ms   max ms');
    const row = (name: string, xs: number[]) =>
      console.log(`  ${name.padEnd(26)} ${String(xs.length).padStart(5)} ${pct(xs, 50).toFixed(1).padStart(9)} ${pct(xs, 99).toFixed(1).padStart(8)} ${xs[xs.length - 1]!.toFixed(1).padStart(8)}`);
    row('enqueue -> offer (idle)', latencies);
    row(`burst start -> assigned`, perConversation);
    console.log(`  burst of ${burst}: all assigned in ${seconds.toFixed(2)} s = ${(burst / seconds).toFixed(0)} assignments/s`);
  } finally {
    for (const c of conns) c.close();
    await server?.stop();
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runRoutingServerBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

// Two server processes on one real PostgreSQL, 500 visitors arriving at once, 50 agents with
// capacities 1-5 answering offers at random (accept, decline, or let ring out). Afterwards the
// database must show: no conversation assigned twice, no agent ever over capacity (replayed from
// the routing log), every conversation assigned or still queued, loads consistent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Connection } from '@visavis/client';
import type { ConversationSummary, RoutingConfig, ServerMessage } from '@visavis/protocol';
import { startServer, type RunningServer } from '../../../e2e/harness/server.js';
import { agentLogin, visitorSession, waitFor, wsFactory, type TestServer } from './support.js';

const VISITORS = 500;
const AGENTS = 50;
const PASSWORD = 'concurrency-test-pw';
const baseUrl = process.env.TEST_DATABASE_URL;

/** The support helpers take a TestServer; only url and wsUrl are used by them. */
const asTest = (s: RunningServer) => ({ url: s.url, wsUrl: s.url.replace(/^http/, 'ws') + '/ws' }) as TestServer;

async function http<T>(url: string, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(url + path, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

describe.runIf(baseUrl || process.env.CI)('routing under concurrency on PostgreSQL', () => {
  let admin: pg.Client;
  let dbName: string;
  let dbUrl: string;
  let nodes: RunningServer[] = [];
  const conns: Connection[] = [];

  beforeAll(async () => {
    if (!baseUrl) throw new Error('TEST_DATABASE_URL is required for the concurrency test (scripts/test.sh sets it)');
    dbName = `vv_conc_${randomBytes(4).toString('hex')}`;
    admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const url = new URL(baseUrl);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    const env = {
      DATABASE_URL: url.toString(), DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn',
      VISITOR_SESSION_RATE_PER_MINUTE: '100000', LOGIN_RATE_PER_MINUTE: '10000',
      // Every simulated visitor and agent comes from 127.0.0.1: lift the per-address limits.
      LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '10000', LOGIN_MAX_QUEUED_HASHES: '1000', WS_MAX_CONNECTIONS_PER_IP: '10000',
    };
    // One after the other: the first migrates and seeds, the second finds it done.
    nodes.push(await startServer({ env }));
    nodes.push(await startServer({ env }));
  }, 120_000);

  afterAll(async () => {
    for (const c of conns) c.close();
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];
    await admin?.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin?.end();
  }, 60_000);

  it('never double-assigns, never exceeds capacity, never loses a conversation', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer];
    const adminCookie = await agentLogin(asTest(a), 'admin@demo.visavis.local', PASSWORD);
    const { config } = await http<{ config: RoutingConfig }>(a.url, adminCookie, 'GET', '/api/admin/routing-config');
    await http(a.url, adminCookie, 'PUT', '/api/admin/routing-config', {
      ...config, ringTimeoutMs: 3000, maxMissedOffers: 0, policy: { ...config.policy, refusalCooldownMs: 2000 },
    });
    // The demo agents stay offline; 50 new ones with capacities 1-5 answer offers themselves.
    let totalCapacity = 0;
    const agents: { email: string; node: RunningServer }[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const capacity = (i % 5) + 1;
      totalCapacity += capacity;
      const email = `load-agent-${i}@example.test`;
      const { agent } = await http<{ agent: { id: string } }>(a.url, adminCookie, 'POST', '/api/admin/agents', {
        email, name: `Agent ${i}`, role: 'agent', password: PASSWORD, capacity,
      });
      await http(a.url, adminCookie, 'PUT', `/api/admin/agents/${agent.id}/routing`, { autoAccept: false });
      agents.push({ email, node: i % 2 === 0 ? a : b });
    }
    const answers = { accept: 0, decline: 0, ignore: 0 };
    await Promise.all(
      agents.map(async ({ email, node }) => {
        const cookie = await agentLogin(asTest(node), email, PASSWORD);
        const conn = new Connection({ url: asTest(node).wsUrl, createSocket: wsFactory({ cookie }), reconnectPolicy: () => 100 });
        conns.push(conn);
        conn.on('message', (m: ServerMessage) => {
          if (m.type !== 'offer.ringing') return;
          const r = Math.random();
          const kind = r < 0.6 ? 'accept' : r < 0.85 ? 'decline' : 'ignore';
          answers[kind]++;
          if (kind === 'ignore') return;
          setTimeout(() => {
            conn.request({ type: kind === 'accept' ? 'offer.accept' : 'offer.decline', offerId: m.offer.id }).catch(() => undefined);
          }, Math.random() * 300);
        });
        await conn.request({ type: 'presence.set', presence: 'online' });
      }),
    );

    // 500 visitors at once, alternating nodes.
    const ids = await Promise.all(
      Array.from({ length: VISITORS }, async (_, i) => {
        const node = asTest(i % 2 === 0 ? a : b);
        const s = await visitorSession(node);
        const conn = new Connection({ url: node.wsUrl, token: s.visitorToken, createSocket: wsFactory(), reconnectPolicy: () => 100 });
        conns.push(conn);
        const { conversation } = await conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
        return conversation.id;
      }),
    );
    expect(new Set(ids).size).toBe(VISITORS);

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
      // Settles when every unit of capacity is held by an accepted conversation and nothing rings.
      await waitFor(
        async () =>
          (await count(`select count(*) as n from conversations where status = 'assigned'`)) === Math.min(VISITORS, totalCapacity) &&
          (await count(`select count(*) as n from offers where status = 'ringing'`)) === 0,
        'all capacity assigned',
        90_000,
      );

      const statuses = await db.query<{ status: string; n: string }>(`select status, count(*) as n from conversations group by status`);
      const byStatus = Object.fromEntries(statuses.rows.map((r) => [r.status, Number(r.n)]));
      expect(byStatus).toEqual({ assigned: totalCapacity, queued: VISITORS - totalCapacity });

      // No conversation assigned twice (no transfers happen here).
      expect(await count(`select count(*) as n from (select conversation_id from conversation_events
        where type = 'conversation.assigned' group by conversation_id having count(*) > 1) twice`)).toBe(0);
      expect(await count(`select count(*) as n from conversation_events where type = 'conversation.assigned'`)).toBe(totalCapacity);

      // Replay every agent's load from the routing log, in commit order per agent.
      const log = await db.query<{ agent_id: string; delta: number; capacity: number }>(
        `select agent_id, delta, capacity from routing_log where delta <> 0 order by id`,
      );
      const caps = new Map((await db.query<{ id: string; capacity: number; load: number }>('select id, capacity, load from agents')).rows.map((r) => [r.id, r]));
      const load = new Map<string, number>();
      let over = 0;
      let negative = 0;
      for (const row of log.rows) {
        const next = (load.get(row.agent_id) ?? 0) + row.delta;
        if (next > caps.get(row.agent_id)!.capacity) over++;
        if (next < 0) negative++;
        load.set(row.agent_id, next);
      }
      expect({ over, negative }).toEqual({ over: 0, negative: 0 });
      for (const [id, agent] of caps) expect(load.get(id) ?? 0).toBe(agent.load);
      // Each agent's load is the sum of their holds, and every conversation hold is an assigned
      // conversation of that agent (offers all ended: no offer holds are left).
      const held = await db.query<{ agent_id: string; units: string }>('select agent_id, sum(weight) as units from load_holds group by agent_id');
      for (const [id, agent] of caps) expect(Number(held.rows.find((h) => h.agent_id === id)?.units ?? 0)).toBe(agent.load);
      const stray = await db.query(
        `select h.id from load_holds h left join conversations c on c.id = h.conversation_id
         where h.kind <> 'conversation' or c.status <> 'assigned' or c.agent_id <> h.agent_id`,
      );
      expect(stray.rows).toEqual([]);
      expect(answers.accept).toBeGreaterThanOrEqual(totalCapacity);
      expect(answers.decline + answers.ignore).toBeGreaterThan(0);
      console.log(`concurrency: ${VISITORS} visitors, ${AGENTS} agents (capacity ${totalCapacity}), answers ${JSON.stringify(answers)}, ${log.rows.length} load changes`);
    } finally {
      await db.end();
    }
  }, 240_000);
});

// The routing engine benchmark: decide() latency at 10, 100, 1,000 and 10,000 agents for a
// realistic chain — VIP (with a VIP group), returning customer (last agent, 30 days), skill rules
// (20 rules over channel, entry point, page URL globs, language, tags, attributes, VIP and
// business hours) and least-loaded — over 64 varied conversations. Next to it, the baseline: a
// bare eligibility + least-loaded scan over the same agents with no rules and no explanation,
// i.e. the floor cost of touching every agent once. Pure CPU, no server.
//
//   npx tsx bench/routing-decide.ts            (or through bench/run.ts once registered)
//   BENCH_SCALE=0.1 npx tsx bench/routing-decide.ts   a quick run (a tenth of the iterations)
import { pathToFileURL } from 'node:url';
import {
  decide,
  type AgentSnapshot,
  type ConversationFacts,
  type RoutingPolicy,
  type RoutingSnapshot,
  type SkillGroupFacts,
  type SkillRule,
} from '@visavis/routing';
import type { BenchContext, Benchmark, BenchResult, Params } from './lib/bench.js';
import { section, table } from './lib/report.js';

export interface RoutingDecideBenchOptions {
  /** Agent counts to measure; default 10, 100, 1,000, 10,000. */
  sizes?: number[];
  /** Multiplies the iteration counts (0.1 for a quick run); default 1. */
  scale?: number;
  /** Where the report goes; default console.log. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface RoutingDecideFigures {
  agents: number;
  iterations: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  baselineP50Us: number;
  baselineP99Us: number;
  /** Share of decisions that were offers (the rest queued), to show the path measured. */
  offerRate: number;
}

const DAY = 86_400_000;
/** Monday 2026-01-05 03:00 UTC = 11:00 in Shanghai: the groups with office hours are open. */
const NOW = Date.UTC(2026, 0, 5, 3, 0);
const GROUPS = 20;
const CONVERSATIONS = 64;

/** Deterministic PRNG (mulberry32), so every run measures the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gid = (i: number) => `g${String(i).padStart(2, '0')}`;

function makeGroups(): SkillGroupFacts[] {
  const hours = {
    timeZone: 'Asia/Shanghai',
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 9 * 60, endMinute: 18 * 60 })),
    holidays: ['2026-01-01', '2026-02-17'],
  };
  const groups = Array.from({ length: GROUPS }, (_, i) => ({
    id: gid(i),
    name: `Group ${i}`,
    hours: i % 3 === 0 ? hours : null,
    overflowAfterMs: i % 4 === 0 ? 120_000 : null,
    overflowGroupId: i % 4 === 0 ? gid((i + 1) % GROUPS) : null,
  }));
  return [
    ...groups,
    { id: 'vip', name: 'VIP desk', hours: null, overflowAfterMs: null, overflowGroupId: null },
  ];
}

function makeRules(): SkillRule[] {
  const rules: SkillRule[] = [];
  for (let i = 0; i < GROUPS; i++) {
    const g = gid(i);
    switch (i % 7) {
      case 0:
        rules.push({
          id: `r${i}`,
          groupId: g,
          when: [{ field: 'channel', oneOf: i % 2 ? ['wechat'] : ['app', 'h5'] }, { field: 'groupOpen' }],
        });
        break;
      case 1:
        rules.push({
          id: `r${i}`,
          groupId: g,
          when: [{ field: 'entryPoint', oneOf: [`button-${i}`, `link-${i}`] }],
        });
        break;
      case 2:
        rules.push({
          id: `r${i}`,
          groupId: g,
          when: [{ field: 'pageUrl', matches: `https://shop.example/*/product-${i}*` }],
        });
        break;
      case 3:
        rules.push({
          id: `r${i}`,
          groupId: g,
          when: [
            { field: 'language', oneOf: i % 2 ? ['zh'] : ['ja', 'ko'] },
            { field: 'channel', oneOf: ['web'] },
          ],
        });
        break;
      case 4:
        rules.push({ id: `r${i}`, groupId: g, when: [{ field: 'tag', anyOf: [`tag-${i}`, 'enterprise'] }] });
        break;
      case 5:
        rules.push({
          id: `r${i}`,
          groupId: g,
          when: [{ field: 'attribute', name: 'region', equals: `region-${i}` }],
        });
        break;
      default:
        rules.push({
          id: `r${i}`,
          groupId: g,
          when: [
            { field: 'vip', equals: true },
            { field: 'pageUrl', matches: '/checkout' },
          ],
        });
    }
  }
  return rules;
}

function makeAgents(n: number, rnd: () => number): AgentSnapshot[] {
  const agents: AgentSnapshot[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const state = r < 0.75 ? 'online' : r < 0.85 ? 'away' : r < 0.93 ? 'busy' : 'offline';
    const capacity = 3 + Math.floor(rnd() * 4);
    const groups = [gid(Math.floor(rnd() * GROUPS))];
    if (rnd() < 0.4) groups.push(gid(Math.floor(rnd() * GROUPS)));
    if (rnd() < 0.05) groups.push('vip');
    agents.push({
      id: `agent-${String(i).padStart(5, '0')}`,
      state,
      wrapUpUntil: rnd() < 0.05 ? NOW + Math.floor(rnd() * 60_000) : null,
      groups,
      capacity,
      load: Math.floor(rnd() * (capacity + 1)),
      lastAssignedAt: rnd() < 0.2 ? null : NOW - Math.floor(rnd() * DAY),
    });
  }
  return agents;
}

function makeConversations(agents: AgentSnapshot[], rnd: () => number): ConversationFacts[] {
  const pickAgent = () => (agents[Math.floor(rnd() * agents.length)] as AgentSnapshot).id;
  const channels = ['web', 'web', 'web', 'h5', 'wechat', 'app'] as const;
  const languages = ['en', 'zh-CN', 'ja', 'de', null] as const;
  return Array.from({ length: CONVERSATIONS }, (_, i) => ({
    id: `conv-${i}`,
    channel: channels[i % channels.length] as ConversationFacts['channel'],
    media: i % 10 === 0 ? 'video' : i % 10 === 1 ? 'audio' : 'chat',
    entryPoint: i % 3 === 0 ? `button-${i % GROUPS}` : null,
    pageUrl: `https://shop.example/${i % 2 ? 'en' : 'zh'}/product-${i % 25}/details`,
    visitor: {
      id: `visitor-${i}`,
      language: languages[i % languages.length] ?? null,
      tags: i % 5 === 0 ? ['newsletter', `tag-${i % GROUPS}`] : [],
      attributes: { region: `region-${i % 9}`, plan: i % 2 ? 'pro' : 'free' },
      vip: i % 10 === 7,
      designatedAgentId: null,
    },
    enqueuedAt: NOW - Math.floor(rnd() * 300_000),
    groupId: null,
    history: Array.from({ length: i % 4 }, () => ({
      agentId: pickAgent(),
      at: NOW - Math.floor(rnd() * 60 * DAY),
    })),
    refusals: i % 8 === 0 ? [{ agentId: pickAgent(), at: NOW - 30_000, reason: 'declined' as const }] : [],
  }));
}

export function benchPolicy(): RoutingPolicy {
  return {
    chain: [
      { kind: 'vip', vipGroupId: 'vip', preferDesignated: true },
      { kind: 'returning', mode: 'last', lookbackMs: 30 * DAY, waitMs: 0 },
      { kind: 'skill-rules', rules: makeRules(), defaultGroupId: gid(0) },
      { kind: 'least-loaded' },
    ],
    weights: { chat: 1, audio: 2, video: 3 },
    refusalCooldownMs: 300_000,
  };
}

/** The floor: one eligibility + least-loaded scan, no rules, no strings. */
function baseline(agents: readonly AgentSnapshot[], weight: number): number {
  let best = -1;
  let bestRate = -1;
  for (let i = 0; i < agents.length; i++) {
    const a = agents[i] as AgentSnapshot;
    if (
      a.state !== 'online' ||
      a.load + weight > a.capacity ||
      (a.wrapUpUntil !== null && a.wrapUpUntil > NOW)
    )
      continue;
    const rate = (a.capacity - a.load) / a.capacity;
    if (rate > bestRate) {
      best = i;
      bestRate = rate;
    }
  }
  return best;
}

/** Iterations per size: enough for a stable p99 in a few seconds on a small machine. */
const defaultIterations = (n: number) => (n <= 100 ? 20_000 : n <= 1_000 ? 5_000 : 1_000);

function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

function measure(fn: (i: number) => unknown, iterations: number): { p50: number; p99: number; mean: number } {
  const samples = new Float64Array(iterations);
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    const out = fn(i);
    const t1 = process.hrtime.bigint();
    samples[i] = Number(t1 - t0) / 1_000; // µs
    if (out !== null) sink++;
  }
  if (sink < 0) console.log(sink); // keep the result observable
  let sum = 0;
  for (const s of samples) sum += s;
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), mean: sum / iterations };
}

const us = (v: number) => (v < 100 ? v.toFixed(1) : v.toFixed(0));

export async function runRoutingDecideBench(
  opts: RoutingDecideBenchOptions = {},
): Promise<RoutingDecideFigures[]> {
  const sizes = opts.sizes ?? [10, 100, 1_000, 10_000];
  const scale = opts.scale ?? 1;
  const log = opts.log ?? ((line: string) => console.log(line));
  const policy = benchPolicy();
  const groups = makeGroups();
  const figures: RoutingDecideFigures[] = [];
  log(
    section(
      'routing-decide: decide() latency (µs), realistic chain: vip → returning → 20 skill rules → least-loaded',
    ),
  );
  for (const n of sizes) {
    if (opts.signal?.aborted) break;
    const rnd = prng(n);
    const agents = makeAgents(n, rnd);
    const snapshots: RoutingSnapshot[] = makeConversations(agents, rnd).map((conversation) => ({
      conversation,
      agents,
      groups,
    }));
    const random = prng(7);
    const at = (i: number) => snapshots[i % snapshots.length] as RoutingSnapshot;
    const iterations = Math.max(50, Math.round(defaultIterations(n) * scale));
    const warmup = Math.max(20, Math.round(iterations / 5));
    let offers = 0;
    for (let i = 0; i < warmup; i++) decide(at(i), policy, NOW, random);
    for (let i = 0; i < snapshots.length; i++)
      if (decide(at(i), policy, NOW, random).kind === 'offer') offers++;
    const d = measure((i) => decide(at(i), policy, NOW, random), iterations);
    for (let i = 0; i < warmup; i++) baseline(agents, 1);
    const b = measure((i) => baseline(agents, policy.weights[at(i).conversation.media]), iterations);
    figures.push({
      agents: n,
      iterations,
      p50Us: d.p50,
      p99Us: d.p99,
      meanUs: d.mean,
      baselineP50Us: b.p50,
      baselineP99Us: b.p99,
      offerRate: offers / snapshots.length,
    });
    // Let a signal handler or another task run between sizes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  log(
    table(
      ['agents', 'iterations', 'p50 µs', 'p99 µs', 'mean µs', 'baseline p50 µs', 'baseline p99 µs', 'offers'],
      figures.map((f) => [
        f.agents.toLocaleString('en-US'),
        f.iterations,
        us(f.p50Us),
        us(f.p99Us),
        us(f.meanUs),
        us(f.baselineP50Us),
        us(f.baselineP99Us),
        `${Math.round(f.offerRate * 100)}%`,
      ]),
    ),
  );
  log(
    'baseline: a bare eligibility + least-loaded scan over the same agents (no rules, no reasons, no verdicts).',
  );
  return figures;
}

/** For bench/run.ts: `npm run bench -- --only routing-decide --scale 0.1`. */
export const routingDecideBenchmark: Benchmark = {
  name: 'routing-decide',
  summary: 'routing engine decide() p50/p99 at 10 to 10,000 agents (pure CPU, no server)',
  params: [
    { name: 'scale', default: 1, help: 'multiplies the iteration counts (0.1 = quick run)' },
    { name: 'sizes', default: '10,100,1000,10000', help: 'agent counts, comma-separated' },
  ],
  async run(p: Params, ctx: BenchContext): Promise<BenchResult> {
    const sizes = p
      .str('sizes')
      .split(',')
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
    await runRoutingDecideBench({ sizes, scale: p.num('scale'), signal: ctx.signal });
    return { ok: true, problems: [] };
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  await runRoutingDecideBench({ scale: Number.isFinite(scale) && scale > 0 ? scale : 1 });
}

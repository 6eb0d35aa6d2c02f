// 'random': uniform among the candidates, using the random source passed to decide().
import { agentAt, isCandidate, PASS, reason, type RouteContext, type StepResult } from '../context.js';
import type { AgentSnapshot } from '../types.js';

/**
 * The k-th smallest (0-based) by id, in O(n) on average (quickselect with a middle pivot), so the
 * pick does not depend on the order of the agents and no full sort is needed. Reorders `xs`.
 */
export function selectKthById(xs: number[], k: number, agents: readonly AgentSnapshot[]): number {
  const id = (i: number) => (agents[xs[i] as number] as AgentSnapshot).id;
  const swap = (i: number, j: number) => {
    const t = xs[i] as number;
    xs[i] = xs[j] as number;
    xs[j] = t;
  };
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    swap((lo + hi) >> 1, hi);
    const pivot = id(hi);
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (id(i) < pivot) swap(i, store++);
    }
    swap(store, hi);
    if (store === k) break;
    if (k < store) hi = store - 1;
    else lo = store + 1;
  }
  return xs[k] as number;
}

/** floor(random() × n) over the candidates sorted by id; random() is called once, only when n > 0. */
export function randomStep(ctx: RouteContext): StepResult {
  const pool: number[] = [];
  for (let i = 0; i < ctx.agents.length; i++) if (isCandidate(ctx, i)) pool.push(i);
  if (pool.length === 0) {
    reason(ctx, 'random', 'no eligible agent in scope: pass');
    return PASS;
  }
  const r = ctx.random();
  const k = Math.min(pool.length - 1, Math.max(0, Math.floor((Number.isFinite(r) ? r : 0) * pool.length)));
  const index = selectKthById(pool, k, ctx.agents);
  const a = agentAt(ctx, index);
  ctx.notes.set(index, `chosen by random: #${k + 1} of ${pool.length} by id`);
  return {
    kind: 'offer',
    index,
    note: `offered to ${a.id}: #${k + 1} of ${pool.length} eligible by id (random ${r.toFixed(4)})`,
  };
}

// 'returning': a returning visitor goes back to an agent who served them before.
import { PASS, reason, type RouteContext, type StepOf, type StepResult } from '../context.js';
import type { ServedBy } from '../types.js';
import { offerOrWait } from './wanted-agent.js';

const DAY_MS = 86_400_000;

/**
 * The agent a returning visitor should go back to, from history entries with at >= now −
 * lookbackMs: 'last' = the most recent (ties → lowest agent id); 'most-frequent' = the most
 * entries (ties → the most recent, then the lowest id). Independent of the history's order.
 */
export function returningAgent(
  history: readonly ServedBy[],
  mode: 'last' | 'most-frequent',
  lookbackMs: number,
  now: number,
): { agentId: string; count: number; at: number } | null {
  const since = now - lookbackMs;
  const byAgent = new Map<string, { count: number; at: number }>();
  for (const h of history) {
    if (!(h.at >= since)) continue;
    const s = byAgent.get(h.agentId);
    if (s) {
      s.count++;
      if (h.at > s.at) s.at = h.at;
    } else {
      byAgent.set(h.agentId, { count: 1, at: h.at });
    }
  }
  let best: { agentId: string; count: number; at: number } | null = null;
  for (const [agentId, s] of byAgent) {
    const c = { agentId, ...s };
    if (best === null) {
      best = c;
      continue;
    }
    const byCount = mode === 'most-frequent' ? c.count - best.count : 0;
    if (byCount > 0 || (byCount === 0 && (c.at > best.at || (c.at === best.at && c.agentId < best.agentId))))
      best = c;
  }
  return best;
}

export function returningStep(ctx: RouteContext, step: StepOf<'returning'>): StepResult {
  const pick = returningAgent(ctx.conversation.history, step.mode, step.lookbackMs, ctx.now);
  if (pick === null) {
    const span =
      step.lookbackMs >= 2 * DAY_MS
        ? `${Math.round(step.lookbackMs / DAY_MS)} days`
        : `${Math.round(step.lookbackMs / 3_600_000)} h`;
    reason(ctx, 'returning', `no conversation of this visitor within the last ${span}: pass`);
    return PASS;
  }
  const how =
    step.mode === 'last'
      ? `last served them at ${new Date(pick.at).toISOString()}`
      : `served them ${pick.count} times in the look-back window, last at ${new Date(pick.at).toISOString()}`;
  reason(ctx, 'returning', `returning agent ${pick.agentId} (${step.mode}): ${how}`);
  return offerOrWait(ctx, {
    step: 'returning',
    label: 'returning agent',
    agentId: pick.agentId,
    ignoreGroup: false,
    waitMs: step.waitMs,
  });
}

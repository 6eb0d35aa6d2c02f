// 'least-loaded': load balancing by idle rate, one O(n) scan.
import {
  agentAt,
  describeIdle,
  PASS,
  pickLeastLoaded,
  reason,
  type RouteContext,
  type StepResult,
} from '../context.js';

/**
 * Highest idle rate (capacity − load) / capacity among the candidates; ties → longest since the
 * last assignment (never assigned = longest); then the lowest id. Order-independent.
 */
export function leastLoadedStep(ctx: RouteContext): StepResult {
  const { index, considered } = pickLeastLoaded(ctx);
  if (index < 0) {
    reason(ctx, 'least-loaded', 'no eligible agent in scope: pass');
    return PASS;
  }
  const a = agentAt(ctx, index);
  ctx.notes.set(index, `chosen by least-loaded: ${describeIdle(a)}`);
  return {
    kind: 'offer',
    index,
    note: `offered to ${a.id}: highest idle rate among ${considered} eligible (${describeIdle(a)})`,
  };
}

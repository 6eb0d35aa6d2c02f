// 'vip': VIP visitors get their designated agent if free, else the least-loaded of the VIP pool.
import {
  agentAt,
  describeIdle,
  PASS,
  pickLeastLoaded,
  reason,
  type RouteContext,
  type StepOf,
  type StepResult,
} from '../context.js';
import { memberOf } from '../group.js';
import { isOpen } from '../hours.js';
import { offerOrWait } from './wanted-agent.js';

/**
 * Non-VIPs pass. A VIP: with preferDesignated, their designated agent when eligible (no waiting
 * here; the designation wins over the group as in 'designated'). Otherwise the least-loaded
 * candidate among vipGroupId's members (when set and open) — or among all candidates in scope
 * when vipGroupId is null. The VIP pool only narrows the current scope, never widens it. With
 * nobody there the VIP passes on to the next step (their queue priority still comes from orderQueue).
 */
export function vipStep(ctx: RouteContext, step: StepOf<'vip'>): StepResult {
  const visitor = ctx.conversation.visitor;
  if (!visitor.vip) {
    reason(ctx, 'vip', 'visitor is not a VIP: pass');
    return PASS;
  }
  if (step.preferDesignated && visitor.designatedAgentId !== null) {
    const r = offerOrWait(ctx, {
      step: 'vip',
      label: "VIP's designated agent",
      agentId: visitor.designatedAgentId,
      ignoreGroup: true,
      waitMs: 0,
    });
    if (r.kind === 'offer') return r;
  }
  let also: ReturnType<typeof memberOf> | undefined;
  let pool = ctx.targetGroupId === null ? 'all eligible agents' : 'eligible agents in scope';
  if (step.vipGroupId !== null) {
    const facts = ctx.groups.get(step.vipGroupId);
    if (facts && !isOpen(facts.hours, ctx.now)) {
      reason(ctx, 'vip', `VIP group ${step.vipGroupId} is closed now: pass`);
      return PASS;
    }
    also = memberOf(step.vipGroupId);
    pool = `VIP group ${step.vipGroupId}`;
  }
  const { index, considered } = pickLeastLoaded(ctx, also);
  if (index < 0) {
    reason(ctx, 'vip', `no eligible agent in ${pool}: pass`);
    return PASS;
  }
  const a = agentAt(ctx, index);
  ctx.notes.set(index, `chosen by vip: ${describeIdle(a)}`);
  return {
    kind: 'offer',
    index,
    note: `offered to ${a.id}: highest idle rate among ${considered} in ${pool} (${describeIdle(a)})`,
  };
}

// 'designated': the agent the entry asked for (account manager, personal link).
import { PASS, reason, type RouteContext, type StepOf, type StepResult } from '../context.js';
import { offerOrWait } from './wanted-agent.js';

/**
 * Offer to visitor.designatedAgentId if eligible; wait up to waitMs from enqueuedAt if they could
 * become free; else pass. The designation wins over the target group: a designated agent outside
 * the group (or its overflow) is still offered the conversation — the entry named that person,
 * and group rules describe topics, not who may talk to a customer they own.
 */
export function designatedStep(ctx: RouteContext, step: StepOf<'designated'>): StepResult {
  const id = ctx.conversation.visitor.designatedAgentId;
  if (id === null) {
    reason(ctx, 'designated', 'no designated agent: pass');
    return PASS;
  }
  return offerOrWait(ctx, {
    step: 'designated',
    label: 'designated agent',
    agentId: id,
    ignoreGroup: true,
    waitMs: step.waitMs,
  });
}

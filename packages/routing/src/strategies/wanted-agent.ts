// Shared by 'designated' and 'returning' (and the VIP's designated preference): offer one named
// agent if they can take it, otherwise maybe wait for them, otherwise pass.
import {
  agentAt,
  baseEligible,
  codeOf,
  isCandidate,
  pendingAt,
  reason,
  type RouteContext,
  type StepResult,
  PASS,
} from '../context.js';
import { couldBecomeFree, Drop, DROP_LABELS } from '../eligibility.js';
import { inScope } from '../group.js';
import type { StrategyKind } from '../types.js';

const iso = (t: number) => new Date(t).toISOString();

export interface WantedAgent {
  step: StrategyKind;
  /** 'designated agent', 'returning agent' … for the reason lines. */
  label: string;
  agentId: string;
  /** The designation wins over the group: offer even when outside the target group. */
  ignoreGroup: boolean;
  /** Wait for them while now < enqueuedAt + waitMs; 0 = never wait. */
  waitMs: number;
}

/**
 * Offer when the agent is eligible (and in scope unless ignoreGroup). Otherwise, when they could
 * become free (online or busy, in wrap-up or at capacity, big enough for the media, no refusal of
 * this conversation, in scope) and the wait window is still open: queue, re-check when the window
 * ends (or their wrap-up ends, if sooner). Otherwise pass, saying why.
 */
export function offerOrWait(ctx: RouteContext, w: WantedAgent): StepResult {
  const who = `${w.label} ${w.agentId}`;
  const i = ctx.agents.findIndex((a) => a.id === w.agentId);
  if (i < 0) {
    reason(ctx, w.step, `${who} is not among the organisation's agents: pass`);
    return PASS;
  }
  const agent = agentAt(ctx, i);
  const c = codeOf(ctx, i);
  const member = inScope(ctx, agent);
  if (w.ignoreGroup ? baseEligible(ctx, i) : isCandidate(ctx, i)) {
    const outside = member
      ? ''
      : ` (outside the target group ${ctx.targetGroupId ?? ''}: the designation wins over the group)`;
    const note = `offered to ${who}${outside}`;
    ctx.notes.set(i, `${w.label}, chosen by ${w.step}${outside}`);
    return { kind: 'offer', index: i, note };
  }
  if (!member && !w.ignoreGroup) {
    ctx.notes.set(i, `${w.label}, not in the target group scope`);
    reason(ctx, w.step, `${who} is not in the target group scope: pass`);
    return PASS;
  }
  const label = DROP_LABELS[c] ?? 'not eligible';
  const refused = ctx.table.recentRefusals.has(agent.id);
  const waitUntil = ctx.conversation.enqueuedAt + w.waitMs;
  if (couldBecomeFree(c) && !refused && w.waitMs > 0 && ctx.now < waitUntil) {
    pendingAt(ctx, waitUntil);
    const freeAt = ctx.table.freeAt[i] ?? NaN;
    if (c === Drop.wrapUp && freeAt < waitUntil) pendingAt(ctx, freeAt);
    ctx.notes.set(i, `${w.label}, ${label}: waiting for them until ${iso(waitUntil)}`);
    reason(ctx, w.step, `${who}: ${label}; waiting for them until ${iso(waitUntil)}`);
    return { kind: 'queue', closed: false };
  }
  const why = refused
    ? 'refused this conversation within the cooldown'
    : !couldBecomeFree(c)
      ? `${label}, not worth waiting for`
      : w.waitMs <= 0
        ? `${label}, no wait window`
        : `${label}, wait window ended ${iso(waitUntil)}`;
  ctx.notes.set(i, `${w.label}, ${why}`);
  reason(ctx, w.step, `${who}: ${why}: pass`);
  return PASS;
}

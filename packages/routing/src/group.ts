// Deciding the target group: overflow, business hours, and narrowing the candidates to the scope.
import { agentAt, groupFacts, pendingAt, reason, type RouteContext } from './context.js';
import { Drop } from './eligibility.js';
import { isOpen, localTime, nextOpening } from './hours.js';
import type { AgentSnapshot, BusinessHours } from './types.js';

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

function localNote(hours: BusinessHours | null, now: number): string {
  if (hours === null) return 'always open';
  const l = localTime(hours.timeZone, now);
  const hh = String(Math.floor(l.minute / 60)).padStart(2, '0');
  const mm = String(l.minute % 60).padStart(2, '0');
  const holiday = hours.holidays.includes(l.date) ? ', a holiday' : '';
  return `local ${l.date} ${hh}:${mm} ${hours.timeZone}${holiday}`;
}

function openingNote(ctx: RouteContext, hours: BusinessHours | null): string {
  const next = nextOpening(hours, ctx.now);
  if (next === null) return 'no opening within a year';
  pendingAt(ctx, next);
  return `opens ${new Date(next).toISOString()}`;
}

/**
 * Fixes the target group for the rest of the chain. With a group: applies overflow (once the
 * conversation has waited overflowAfterMs, members of overflowGroupId are candidates too; one
 * level, no chaining) and business hours (a closed group contributes no members; when the target
 * and its reached overflow are both closed the answer is 'closed'). Agents outside the scope get
 * Drop.notInGroup. `source` says where the group came from, for the reason line.
 */
export function decideGroup(ctx: RouteContext, groupId: string | null, source: string): 'ok' | 'closed' {
  ctx.groupDecided = true;
  ctx.targetGroupId = groupId;
  if (groupId === null) {
    reason(ctx, 'group', `no target group (${source}): every agent of the organisation is in scope`);
    return 'ok';
  }
  const g = groupFacts(ctx, groupId);
  const known = ctx.groups.has(groupId) ? '' : ' (no facts for it: always open, no overflow)';
  const targetOpen = isOpen(g.hours, ctx.now);

  let overflowId: string | null = null;
  let overflowOpen = false;
  let overflowNote = '';
  if (g.overflowAfterMs !== null && g.overflowGroupId !== null && g.overflowGroupId !== groupId) {
    const at = ctx.conversation.enqueuedAt + g.overflowAfterMs;
    const waited = ctx.now - ctx.conversation.enqueuedAt;
    if (ctx.now >= at) {
      const o = groupFacts(ctx, g.overflowGroupId);
      overflowOpen = isOpen(o.hours, ctx.now);
      overflowId = g.overflowGroupId;
      overflowNote = overflowOpen
        ? `; waited ${seconds(waited)} >= overflow after ${seconds(g.overflowAfterMs)}: members of ${overflowId} are eligible too`
        : `; overflow to ${overflowId} reached but it is closed (${localNote(o.hours, ctx.now)}, ${openingNote(ctx, o.hours)})`;
    } else {
      pendingAt(ctx, at);
      overflowNote = `; overflow to ${g.overflowGroupId} at ${new Date(at).toISOString()} (after ${seconds(g.overflowAfterMs)} waiting)`;
    }
  }

  if (!targetOpen) {
    const why = `group ${groupId} is closed (${localNote(g.hours, ctx.now)}, ${openingNote(ctx, g.hours)})`;
    if (!(overflowId !== null && overflowOpen)) {
      reason(ctx, 'hours', `${why}${overflowNote}`);
      return 'closed';
    }
    reason(ctx, 'hours', `${why}; only members of the open overflow group ${overflowId} are in scope`);
  }

  ctx.scope = { groupId, includeTarget: targetOpen, overflowGroupId: overflowOpen ? overflowId : null };
  const scope = ctx.scope;
  const codes = ctx.table.codes;
  let inScope = 0;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] !== Drop.none) continue;
    const groups = agentAt(ctx, i).groups;
    const member =
      (scope.includeTarget && groups.includes(scope.groupId)) ||
      (scope.overflowGroupId !== null && groups.includes(scope.overflowGroupId));
    if (member) inScope++;
    else codes[i] = Drop.notInGroup;
  }
  reason(
    ctx,
    'group',
    `target group ${groupId} (${source})${known}${overflowNote}: ${inScope} eligible agents in scope`,
  );
  return 'ok';
}

/** The verdict text for an eligible agent outside the scope. */
export function scopeNote(ctx: RouteContext): string {
  const s = ctx.scope;
  if (s === null) return 'not in target group';
  if (s.overflowGroupId === null) return `not in group ${s.groupId}`;
  if (!s.includeTarget) return `not in overflow group ${s.overflowGroupId} (${s.groupId} is closed)`;
  return `not in group ${s.groupId} or its overflow ${s.overflowGroupId}`;
}

/** Whether an agent is a member of a group (used for the VIP group). */
export const memberOf = (groupId: string) => (a: AgentSnapshot) => a.groups.includes(groupId);

/** Whether an agent could ever be a candidate under the current scope (membership only). */
export function inScope(ctx: RouteContext, a: AgentSnapshot): boolean {
  const s = ctx.scope;
  if (s === null) return true;
  return (
    (s.includeTarget && a.groups.includes(s.groupId)) ||
    (s.overflowGroupId !== null && a.groups.includes(s.overflowGroupId))
  );
}

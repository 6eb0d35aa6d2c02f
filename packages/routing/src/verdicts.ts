// The explanation attached to a decision: per-agent verdicts (capped) and the summary counts.
import { agentAt, type RouteContext } from './context.js';
import { describe, Drop, DROP_LABELS, type DropCode } from './eligibility.js';
import { scopeNote } from './group.js';
import type { CandidateVerdict } from './types.js';

/**
 * Verdicts are listed for the first MAX_VERDICTS agents in snapshot order, plus every agent a step
 * looked at by name (designated, returning, chosen) wherever they are. The rest are only counted,
 * in the 'eligibility' summary line, so a 10,000-agent snapshot does not build 10,000 strings.
 */
export const MAX_VERDICTS = 200;

export function buildVerdicts(ctx: RouteContext, chosen: number): CandidateVerdict[] {
  const { agents, table, weight, policy, conversation } = ctx;
  const groupNote = scopeNote(ctx);
  const one = (i: number): CandidateVerdict => {
    const a = agentAt(ctx, i);
    const c = table.codes[i] as DropCode;
    const base = describe(
      a,
      c,
      weight,
      conversation.media,
      table.recentRefusals.get(a.id),
      policy.refusalCooldownMs,
      groupNote,
    );
    const note = ctx.notes.get(i);
    return {
      agentId: a.id,
      kept: i === chosen || c === Drop.none,
      why: note === undefined ? base : `${note}; ${base}`,
    };
  };
  const listed = Math.min(agents.length, MAX_VERDICTS);
  const out: CandidateVerdict[] = [];
  for (let i = 0; i < listed; i++) out.push(one(i));
  const extra = [...ctx.notes.keys()].filter((i) => i >= listed).sort((x, y) => x - y);
  for (const i of extra) out.push(one(i));
  return out;
}

/** 'N agents: K eligible in scope; dropped: away 3, at capacity 2, …; verdicts listed for …'. */
export function summaryLine(ctx: RouteContext): string {
  const counts = new Array<number>(DROP_LABELS.length).fill(0);
  const codes = ctx.table.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    counts[c] = (counts[c] ?? 0) + 1;
  }
  const dropped = counts
    .map((n, c) => (c === Drop.none || n === 0 ? null : `${DROP_LABELS[c]} ${n}`))
    .filter((s) => s !== null);
  const n = codes.length;
  const listed = Math.min(n, MAX_VERDICTS);
  const more =
    n > listed
      ? `; verdicts listed for the first ${listed} agents and any named by a step, the rest only counted`
      : '';
  return `${n} agents, ${counts[Drop.none]} eligible${ctx.groupDecided && ctx.targetGroupId !== null ? ' in scope' : ''}; dropped: ${dropped.length ? dropped.join(', ') : 'none'}${more}`;
}

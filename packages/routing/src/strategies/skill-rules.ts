// 'skill-rules': the ordered rule list that picks the target group (first match wins).
import { groupFacts, PASS, reason, type RouteContext, type StepOf, type StepResult } from '../context.js';
import { decideGroup } from '../group.js';
import { isOpen } from '../hours.js';
import type { ConversationFacts, RuleCondition, SkillRule } from '../types.js';

/**
 * '*' matches any run of characters (including none and '/'); everything else literally. The
 * whole text must match. Linear in practice (greedy with back-tracking to the last star).
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Page URL condition, case-insensitive: a pattern with '*' must match the whole URL as a glob
 * ('https://shop.example/pricing*' is a prefix match, '*\/checkout/*' matches anywhere); a pattern
 * without '*' matches as a substring.
 */
export function pageUrlMatches(pattern: string, url: string | null): boolean {
  if (url === null) return false;
  const p = pattern.toLowerCase();
  const u = url.toLowerCase();
  return p.includes('*') ? globMatch(p, u) : u.includes(p);
}

/** 'zh' matches 'zh', 'zh-CN' and 'zh-Hant-TW'; 'zh-CN' matches 'zh-cn' only. Case-insensitive. */
export function languageMatches(wanted: string, language: string | null): boolean {
  if (language === null) return false;
  const w = wanted.toLowerCase();
  const l = language.toLowerCase();
  return l === w || l.startsWith(`${w}-`);
}

const list = (xs: readonly unknown[]) => `[${xs.join(', ')}]`;

/** null when the condition holds; otherwise why it does not. */
function failure(c: RuleCondition, conv: ConversationFacts, groupOpen: () => boolean): string | null {
  const v = conv.visitor;
  switch (c.field) {
    case 'channel':
      return c.oneOf.includes(conv.channel) ? null : `channel ${conv.channel} not in ${list(c.oneOf)}`;
    case 'entryPoint':
      return conv.entryPoint !== null && c.oneOf.includes(conv.entryPoint)
        ? null
        : `entry point ${conv.entryPoint ?? 'none'} not in ${list(c.oneOf)}`;
    case 'pageUrl':
      return pageUrlMatches(c.matches, conv.pageUrl) ? null : `page URL does not match ${c.matches}`;
    case 'language':
      return c.oneOf.some((w) => languageMatches(w, v.language))
        ? null
        : `language ${v.language ?? 'unknown'} not in ${list(c.oneOf)}`;
    case 'tag':
      return c.anyOf.some((t) => v.tags.includes(t)) ? null : `no tag of ${list(c.anyOf)}`;
    case 'attribute': {
      const has = Object.prototype.hasOwnProperty.call(v.attributes, c.name);
      const actual = has ? v.attributes[c.name] : undefined;
      return actual === c.equals
        ? null
        : `attribute ${c.name} is ${has ? JSON.stringify(actual) : 'unset'}, not ${JSON.stringify(c.equals)}`;
    }
    case 'vip':
      return v.vip === c.equals ? null : `vip is ${v.vip}`;
    case 'groupOpen':
      return groupOpen() ? null : 'its group is closed now';
  }
}

/**
 * Whether every condition of a rule holds (a rule without conditions always matches), and if not,
 * the first that failed. `isGroupOpen` answers the 'groupOpen' condition for the rule's group.
 */
export function matchRule(
  rule: SkillRule,
  conversation: ConversationFacts,
  isGroupOpen: (groupId: string) => boolean,
): { matched: true } | { matched: false; why: string } {
  for (const c of rule.when) {
    const why = failure(c, conversation, () => isGroupOpen(rule.groupId));
    if (why !== null) return { matched: false, why };
  }
  return { matched: true };
}

export function skillRulesStep(ctx: RouteContext, step: StepOf<'skill-rules'>): StepResult {
  if (ctx.groupDecided) {
    reason(
      ctx,
      'skill-rules',
      `target group already decided (${ctx.targetGroupId ?? 'none'}): rules skipped`,
    );
    return PASS;
  }
  const conv = ctx.conversation;
  let outcome: 'ok' | 'closed';
  if (conv.groupId !== null) {
    reason(
      ctx,
      'skill-rules',
      `conversation already in group ${conv.groupId} (earlier decision or transfer): rules skipped`,
    );
    outcome = decideGroup(ctx, conv.groupId, 'set on the conversation');
  } else {
    const open = new Map<string, boolean>();
    const isGroupOpen = (groupId: string) => {
      let o = open.get(groupId);
      if (o === undefined) {
        o = isOpen(groupFacts(ctx, groupId).hours, ctx.now);
        open.set(groupId, o);
      }
      return o;
    };
    let matched: SkillRule | null = null;
    for (const rule of step.rules) {
      const m = matchRule(rule, conv, isGroupOpen);
      if (m.matched) {
        reason(ctx, 'skill-rules', `rule ${rule.id} matched: group ${rule.groupId}`);
        matched = rule;
        break;
      }
      reason(ctx, 'skill-rules', `rule ${rule.id} skipped: ${m.why}`);
    }
    if (matched !== null) {
      outcome = decideGroup(ctx, matched.groupId, `rule ${matched.id}`);
    } else {
      reason(ctx, 'skill-rules', `no rule matched: default group ${step.defaultGroupId ?? 'none'}`);
      outcome = decideGroup(ctx, step.defaultGroupId, 'default');
    }
  }
  return outcome === 'closed' ? { kind: 'queue', closed: true } : PASS;
}

import type { RoutingConfig, StrategyStep } from '@visavis/protocol';

/**
 * The routing configuration editor's state and its reducer: an ordered chain of strategy steps
 * (with skill rules and their conditions inside the skill-rules step), media weights and the
 * offer settings. Pure: every action answers a new config and leaves the old one untouched.
 */
export type StepKind = StrategyStep['kind'];
export type SkillRulesStep = Extract<StrategyStep, { kind: 'skill-rules' }>;
export type SkillRule = SkillRulesStep['rules'][number];
export type Condition = SkillRule['when'][number];
export type ConditionField = Condition['field'];
export type Media = keyof RoutingConfig['policy']['weights'];

export const STEP_KINDS: readonly StepKind[] = [
  'vip',
  'designated',
  'returning',
  'skill-rules',
  'least-loaded',
  'random',
];
export const CONDITION_FIELDS: readonly ConditionField[] = [
  'channel',
  'entryPoint',
  'pageUrl',
  'language',
  'tag',
  'attribute',
  'vip',
  'groupOpen',
];

const DAY_MS = 24 * 3600_000;

/** A step of `kind` with the engine's usual defaults. */
export function newStep(kind: StepKind): StrategyStep {
  switch (kind) {
    case 'vip':
      return { kind, vipGroupId: null, preferDesignated: true };
    case 'designated':
      return { kind, waitMs: 0 };
    case 'returning':
      return { kind, mode: 'last', lookbackMs: 30 * DAY_MS, waitMs: 0 };
    case 'skill-rules':
      return { kind, rules: [], defaultGroupId: null };
    case 'least-loaded':
      return { kind };
    case 'random':
      return { kind };
  }
}

/** A condition on `field` with an empty (or neutral) value for the form to fill in. */
export function newCondition(field: ConditionField): Condition {
  switch (field) {
    case 'channel':
      return { field, oneOf: ['web'] };
    case 'entryPoint':
    case 'language':
      return { field, oneOf: [] };
    case 'pageUrl':
      return { field, matches: '' };
    case 'tag':
      return { field, anyOf: [] };
    case 'attribute':
      return { field, name: '', equals: '' };
    case 'vip':
      return { field, equals: true };
    case 'groupOpen':
      return { field };
  }
}

/** A rule id unlikely to clash with existing ones ("r" + a short random suffix, or counted). */
export function nextRuleId(existing: readonly { id: string }[]): string {
  let n = existing.length + 1;
  while (existing.some((r) => r.id === `r${n}`)) n++;
  return `r${n}`;
}

/** Kinds not yet in the chain: each strategy appears at most once, the order is what matters. */
export function addableKinds(chain: readonly StrategyStep[]): StepKind[] {
  return STEP_KINDS.filter((k) => !chain.some((s) => s.kind === k));
}

export type ChainAction =
  | { type: 'load'; config: RoutingConfig }
  | { type: 'addStep'; kind: StepKind }
  | { type: 'removeStep'; index: number }
  | { type: 'moveStep'; index: number; delta: -1 | 1 }
  | { type: 'updateStep'; index: number; step: StrategyStep }
  | { type: 'addRule'; step: number; groupId: string }
  | { type: 'updateRule'; step: number; rule: number; patch: Partial<Omit<SkillRule, 'when'>> }
  | { type: 'removeRule'; step: number; rule: number }
  | { type: 'moveRule'; step: number; rule: number; delta: -1 | 1 }
  | { type: 'addCondition'; step: number; rule: number; field: ConditionField }
  | { type: 'setCondition'; step: number; rule: number; cond: number; condition: Condition }
  | { type: 'removeCondition'; step: number; rule: number; cond: number }
  | { type: 'setWeight'; media: Media; value: number }
  | { type: 'setCooldown'; ms: number }
  | {
      type: 'setOffers';
      patch: Partial<Pick<RoutingConfig, 'ringTimeoutMs' | 'maxMissedOffers' | 'wrapUpMs'>>;
    };

function move<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

function withChain(c: RoutingConfig, chain: StrategyStep[]): RoutingConfig {
  return { ...c, policy: { ...c.policy, chain } };
}

/** Applies `fn` to the rules of the skill-rules step at `index` (no-op for any other step). */
function withRules(c: RoutingConfig, index: number, fn: (rules: SkillRule[]) => SkillRule[]): RoutingConfig {
  const step = c.policy.chain[index];
  if (!step || step.kind !== 'skill-rules') return c;
  const chain = [...c.policy.chain];
  chain[index] = { ...step, rules: fn([...step.rules]) };
  return withChain(c, chain);
}

function withRule(
  c: RoutingConfig,
  step: number,
  rule: number,
  fn: (r: SkillRule) => SkillRule,
): RoutingConfig {
  return withRules(c, step, (rules) => {
    const r = rules[rule];
    if (r) rules[rule] = fn(r);
    return rules;
  });
}

export function chainReducer(c: RoutingConfig, a: ChainAction): RoutingConfig {
  // 'load' may arrive before there is any config (the editor starts empty).
  if (a.type === 'load') return a.config;
  const chain = c.policy.chain;
  switch (a.type) {
    case 'addStep':
      if (chain.some((s) => s.kind === a.kind)) return c;
      return withChain(c, [...chain, newStep(a.kind)]);
    case 'removeStep':
      return withChain(
        c,
        chain.filter((_, i) => i !== a.index),
      );
    case 'moveStep':
      return withChain(c, move(chain, a.index, a.delta));
    case 'updateStep': {
      if (!chain[a.index]) return c;
      const next = [...chain];
      next[a.index] = a.step;
      return withChain(c, next);
    }
    case 'addRule':
      return withRules(c, a.step, (rules) => [
        ...rules,
        { id: nextRuleId(rules), when: [], groupId: a.groupId },
      ]);
    case 'updateRule':
      return withRule(c, a.step, a.rule, (r) => ({ ...r, ...a.patch }));
    case 'removeRule':
      return withRules(c, a.step, (rules) => rules.filter((_, i) => i !== a.rule));
    case 'moveRule':
      return withRules(c, a.step, (rules) => move(rules, a.rule, a.delta));
    case 'addCondition':
      return withRule(c, a.step, a.rule, (r) => ({ ...r, when: [...r.when, newCondition(a.field)] }));
    case 'setCondition':
      return withRule(c, a.step, a.rule, (r) => ({
        ...r,
        when: r.when.map((x, i) => (i === a.cond ? a.condition : x)),
      }));
    case 'removeCondition':
      return withRule(c, a.step, a.rule, (r) => ({ ...r, when: r.when.filter((_, i) => i !== a.cond) }));
    case 'setWeight':
      return { ...c, policy: { ...c.policy, weights: { ...c.policy.weights, [a.media]: a.value } } };
    case 'setCooldown':
      return { ...c, policy: { ...c.policy, refusalCooldownMs: a.ms } };
    case 'setOffers':
      return { ...c, ...a.patch };
  }
}

/** One problem found before saving; `key` names the message, `at` where it is (for the list). */
export interface ConfigProblem {
  key:
    | 'emptyChain'
    | 'tooManySteps'
    | 'weight'
    | 'ringTimeout'
    | 'maxMissed'
    | 'duration'
    | 'ruleGroup'
    | 'ruleEmptyValue'
    | 'unknownGroup';
  /** Step number (1-based) and rule number (1-based) when the problem is inside the chain. */
  step?: number;
  rule?: number;
}

const isInt = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

function emptyCondition(x: Condition): boolean {
  switch (x.field) {
    case 'channel':
    case 'entryPoint':
    case 'language':
      return x.oneOf.length === 0;
    case 'tag':
      return x.anyOf.length === 0;
    case 'pageUrl':
      return !x.matches.trim();
    case 'attribute':
      return !x.name.trim();
    default:
      return false;
  }
}

/**
 * The same limits as the server's RoutingConfig schema, checked in the form so an admin sees what
 * to fix before saving, plus references to groups that no longer exist.
 */
export function validateConfig(c: RoutingConfig, groupIds: readonly string[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const known = (g: string | null) => g === null || groupIds.includes(g);
  const maxMs = 7 * DAY_MS;
  const chain = c.policy.chain;
  if (chain.length === 0) out.push({ key: 'emptyChain' });
  if (chain.length > 20) out.push({ key: 'tooManySteps' });
  chain.forEach((s, i) => {
    const step = i + 1;
    if (s.kind === 'designated' && !isInt(s.waitMs, 0, maxMs)) out.push({ key: 'duration', step });
    if (s.kind === 'returning' && (!isInt(s.waitMs, 0, maxMs) || !isInt(s.lookbackMs, 0, 3 * 365 * DAY_MS)))
      out.push({ key: 'duration', step });
    if (s.kind === 'vip' && !known(s.vipGroupId)) out.push({ key: 'unknownGroup', step });
    if (s.kind === 'skill-rules') {
      if (!known(s.defaultGroupId)) out.push({ key: 'unknownGroup', step });
      s.rules.forEach((r, j) => {
        if (!r.groupId) out.push({ key: 'ruleGroup', step, rule: j + 1 });
        else if (!known(r.groupId)) out.push({ key: 'unknownGroup', step, rule: j + 1 });
        if (r.when.some(emptyCondition)) out.push({ key: 'ruleEmptyValue', step, rule: j + 1 });
      });
    }
  });
  const w = c.policy.weights;
  if (![w.chat, w.audio, w.video].every((n) => isInt(n, 1, 100))) out.push({ key: 'weight' });
  if (!isInt(c.ringTimeoutMs, 3_000, 300_000)) out.push({ key: 'ringTimeout' });
  if (!isInt(c.maxMissedOffers, 0, 100)) out.push({ key: 'maxMissed' });
  if (!isInt(c.wrapUpMs, 0, maxMs) || !isInt(c.policy.refusalCooldownMs, 0, maxMs))
    out.push({ key: 'duration' });
  return out;
}

/** Seconds typed in a form → whole milliseconds (NaN stays NaN so validation can flag it). */
export function secondsToMs(text: string): number {
  if (!text.trim()) return Number.NaN;
  const n = Number(text);
  return Number.isFinite(n) ? Math.round(n * 1000) : Number.NaN;
}

/** Milliseconds → the seconds shown in a form field ("" for NaN). */
export function msToSeconds(ms: number): string {
  return Number.isFinite(ms) ? String(Math.round(ms / 100) / 10) : '';
}

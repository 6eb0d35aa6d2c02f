import { MAX_VERDICTS, type Decision, type StrategyKind } from '@visavis/routing';
import type { CandidateVerdict, ReasonLine, RoutingExplanation } from '@visavis/protocol';

/** The decision as stored on the conversation and the offer, and shown to agents and supervisors. */
export function explain(d: Decision): RoutingExplanation {
  const common = { groupId: d.groupId, reasons: d.reasons, candidates: d.candidates.slice(0, MAX_VERDICTS) };
  return d.kind === 'offer'
    ? { kind: 'offer', agentId: d.agentId, strategy: d.strategy, ...common }
    : { kind: 'queue', recheckAt: d.recheckAt, closed: d.closed, ...common };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));

/**
 * A stored explanation (`conversations.routing`, `offers.decision`: jsonb) read back, typed. Rows
 * written before the type existed hold the same JSON — the old untyped `explain()` output: `kind`,
 * then `agentId` + `strategy` or `recheckAt` + `closed`, `groupId`, `reasons`, `candidates` — but
 * nothing checked it, so this reads it tolerantly: a missing field gets its empty value, entries
 * that are not objects are dropped, and an unknown step name passes through as text (the
 * workspace shows unknown steps as they are). Anything that is not an offer or a queue is null.
 */
export function readExplanation(raw: unknown): RoutingExplanation | null {
  if (!isRecord(raw) || (raw.kind !== 'offer' && raw.kind !== 'queue')) return null;
  const reasons: ReasonLine[] = (Array.isArray(raw.reasons) ? raw.reasons : [])
    .filter(isRecord)
    .map((r) => ({ step: text(r.step) as ReasonLine['step'], note: text(r.note) }));
  const candidates: CandidateVerdict[] = (Array.isArray(raw.candidates) ? raw.candidates : [])
    .filter(isRecord)
    .map((c) => ({ agentId: text(c.agentId), kept: c.kept === true, why: text(c.why) }));
  const groupId = typeof raw.groupId === 'string' ? raw.groupId : null;
  return raw.kind === 'offer'
    ? { kind: 'offer', agentId: text(raw.agentId), strategy: text(raw.strategy) as StrategyKind, groupId, reasons, candidates }
    : {
        kind: 'queue',
        recheckAt: typeof raw.recheckAt === 'number' ? raw.recheckAt : null,
        closed: raw.closed === true,
        groupId,
        reasons,
        candidates,
      };
}

/** One line for the timeline and the offer card: the step that chose, and its own note. */
export function summary(d: RoutingExplanation | null): string {
  const strategy = d?.kind === 'offer' ? d.strategy : '';
  const own = [...(d?.reasons ?? [])].reverse().find((r) => r.step === strategy);
  return `${strategy}${own ? `: ${own.note}` : ''}`.slice(0, 500);
}

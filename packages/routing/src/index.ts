// @visavis/routing — the pure ACD engine. See CONTEXT.md.
export * from './types.js';
export { decide } from './decide.js';
export { defaultPolicy } from './policy.js';
export {
  compareQueueEntries,
  estimateWaitMs,
  orderQueue,
  queuePositions,
  type WaitEstimateInput,
} from './queue.js';
export { isOpen, isValidTimeZone, localTime, nextOpening, type LocalTime } from './hours.js';
export { agentVerdict, idleRate } from './eligibility.js';
export { globMatch, languageMatches, matchRule, pageUrlMatches } from './strategies/skill-rules.js';
export { returningAgent } from './strategies/returning.js';
export { MAX_VERDICTS } from './verdicts.js';
export { AgentBoard, type ReloadToken } from './agent-board.js';

// The policy an organisation gets before an admin configures one.
import type { RoutingPolicy } from './types.js';

const DAY_MS = 86_400_000;

/**
 * VIP (no VIP group, prefer the designated agent) → designated (no wait) → returning (last agent
 * within 30 days, no wait) → skill rules (none, no default group) → least-loaded. A call weighs
 * more than a chat (chat 1, audio 2, video 3); a refuser is skipped for 5 minutes.
 */
export function defaultPolicy(): RoutingPolicy {
  return {
    chain: [
      { kind: 'vip', vipGroupId: null, preferDesignated: true },
      { kind: 'designated', waitMs: 0 },
      { kind: 'returning', mode: 'last', lookbackMs: 30 * DAY_MS, waitMs: 0 },
      { kind: 'skill-rules', rules: [], defaultGroupId: null },
      { kind: 'least-loaded' },
    ],
    weights: { chat: 1, audio: 2, video: 3 },
    refusalCooldownMs: 5 * 60_000,
  };
}

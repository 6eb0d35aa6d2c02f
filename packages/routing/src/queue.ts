// Queue helpers for the server's queue view and the visitor's position/ETA. Pure.
import type { QueueEntry } from './types.js';

/** Serving order: VIPs first, then the longest waiting (enqueuedAt), then conversationId. */
export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  if (a.vip !== b.vip) return a.vip ? -1 : 1;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt - b.enqueuedAt;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

/** A new array in serving order (the input is not modified; extra fields are kept). */
export function orderQueue<T extends QueueEntry>(entries: readonly T[]): T[] {
  return [...entries].sort(compareQueueEntries);
}

/**
 * 1-based position of each conversation within its own group's queue (null groupId is a queue of
 * its own), in serving order. The input may be in any order.
 */
export function queuePositions(entries: readonly QueueEntry[]): Map<string, number> {
  const next = new Map<string | null, number>();
  const out = new Map<string, number>();
  for (const e of orderQueue(entries)) {
    const p = (next.get(e.groupId) ?? 0) + 1;
    next.set(e.groupId, p);
    out.set(e.conversationId, p);
  }
  return out;
}

export interface WaitEstimateInput {
  /** Average time an agent spends on one conversation (ms), e.g. over the last 100 closed. */
  avgHandleMs: number;
  /** Conversations the group can finish in parallel: its online agents (or their free slots). */
  servingAgents: number;
}

/**
 * Estimated wait for the conversation at `position` (1 = next): position × avgHandleMs /
 * servingAgents, rounded to the ms. With s agents each finishing a conversation on average every
 * avgHandleMs, a slot frees every avgHandleMs / s (exactly so for exponential handle times, the
 * M/M/s picture), and the visitor needs `position` slots to free. Infinity when nobody serves the
 * group (no estimate possible: check Number.isFinite); 0 for a position below 1.
 */
export function estimateWaitMs(position: number, input: WaitEstimateInput): number {
  const { avgHandleMs, servingAgents } = input;
  if (!(servingAgents > 0) || !(avgHandleMs >= 0)) return Infinity;
  if (!(position >= 1)) return 0;
  return Math.round((position * avgHandleMs) / servingAgents);
}

/**
 * Reconnect policy: returns the delay before the next attempt, or null to give up.
 * Exponential back-off with full jitter, capped, never giving up (a visitor on a train
 * should come back whenever the network does).
 */
export interface ReconnectContext {
  attempt: number;
  random: () => number;
}

export type ReconnectPolicy = (ctx: ReconnectContext) => number | null;

export const defaultReconnectPolicy: ReconnectPolicy = ({ attempt, random }) => {
  const base = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
  return Math.round(base / 2 + (random() * base) / 2);
};

/**
 * When to send again a command the server refused with OVERLOADED (it did nothing with it), or
 * null to give up and reject it with that error. `hintMs` is the server's `retryAfterMs`.
 */
export interface OverloadRetryContext {
  /** Refusals of this command so far, the one being answered included (1, 2, …). */
  attempt: number;
  hintMs: number | null;
  /** Since the command was first sent. */
  elapsedMs: number;
  random: () => number;
}

export type OverloadRetryPolicy = (ctx: OverloadRetryContext) => number | null;

/**
 * The server's hint, doubled on each refusal, with jitter so that refused clients do not all come
 * back at the same moment (which would overload the node again); at most 4 s apart, so that they
 * are back soon after the load drops; given up after a minute.
 */
export const defaultOverloadRetryPolicy: OverloadRetryPolicy = ({ attempt, hintMs, elapsedMs, random }) => {
  if (elapsedMs > 60_000) return null;
  const base = Math.min(4_000, Math.max(100, hintMs ?? 500) * 2 ** Math.min(attempt - 1, 5));
  return Math.round(base * (0.5 + random()));
};

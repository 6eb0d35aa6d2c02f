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

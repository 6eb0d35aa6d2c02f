import type { CloseReason, ConversationStatus } from '@visavis/protocol';

/**
 * The conversation lifecycle: open -> queued -> assigned -> closed. A conversation may be
 * closed from any live state (visitor leaves, inactivity), and a queued one may be assigned
 * directly. Re-queueing an assigned conversation (agent logs off, transfer) is allowed.
 */
const TRANSITIONS: Record<ConversationStatus, readonly ConversationStatus[]> = {
  open: ['queued', 'assigned', 'closed'],
  queued: ['assigned', 'closed'],
  assigned: ['queued', 'assigned', 'closed'],
  closed: [],
};

export function canTransition(from: ConversationStatus, to: ConversationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: ConversationStatus,
    readonly to: ConversationStatus,
  ) {
    super(`conversation cannot go from ${from} to ${to}`);
  }
}

export function assertTransition(from: ConversationStatus, to: ConversationStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}

export function isLive(status: ConversationStatus): boolean {
  return status !== 'closed';
}

/** Who may close: the assigned agent, a supervisor/admin, the visitor, or the inactivity job. */
export function closeReasonFor(actor: 'visitor' | 'agent' | 'system'): CloseReason {
  return actor === 'system' ? 'inactivity' : actor;
}

/** A conversation idle for this long (no message from either side) is closed by the sweeper. */
export function isInactive(lastActivityAt: Date, now: Date, inactivityMs: number): boolean {
  return now.getTime() - lastActivityAt.getTime() >= inactivityMs;
}

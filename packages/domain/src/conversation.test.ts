import { describe, expect, it } from 'vitest';
import type { ConversationStatus } from '@visavis/protocol';
import {
  assertTransition,
  canTransition,
  closeReasonFor,
  InvalidTransitionError,
  isInactive,
  isLive,
} from './conversation.js';

const STATUSES: ConversationStatus[] = ['open', 'queued', 'assigned', 'closed'];

/** The whole lifecycle as a table: every (from, to) pair is listed, allowed or not. */
const TABLE: [from: ConversationStatus, to: ConversationStatus, allowed: boolean, why: string][] = [
  ['open', 'open', false, 'no self-transition before routing'],
  ['open', 'queued', true, 'a new conversation waits for an agent'],
  ['open', 'assigned', true, 'routed at once'],
  ['open', 'closed', true, 'the visitor leaves before routing'],
  ['queued', 'open', false, 'never back to open'],
  ['queued', 'queued', false, 'already queued'],
  ['queued', 'assigned', true, 'an agent takes it'],
  ['queued', 'closed', true, 'the visitor gives up waiting'],
  ['assigned', 'open', false, 'never back to open'],
  ['assigned', 'queued', true, 'the agent logs off: back to the queue'],
  ['assigned', 'assigned', true, 'transfer to another agent'],
  ['assigned', 'closed', true, 'the normal end'],
  ['closed', 'open', false, 'closed is final'],
  ['closed', 'queued', false, 'closed is final'],
  ['closed', 'assigned', false, 'closed is final'],
  ['closed', 'closed', false, 'closing twice is an error'],
];

describe('conversation transitions', () => {
  it('covers every pair of statuses exactly once', () => {
    const pairs = TABLE.map(([from, to]) => `${from}->${to}`);
    expect(new Set(pairs).size).toBe(STATUSES.length ** 2);
  });

  it.each(TABLE)('%s -> %s allowed: %s (%s)', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it.each(TABLE.filter(([, , allowed]) => allowed))('assertTransition lets %s -> %s through', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(TABLE.filter(([, , allowed]) => !allowed))(
    'assertTransition refuses %s -> %s with a typed error',
    (from, to) => {
      let thrown: unknown;
      try {
        assertTransition(from, to);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InvalidTransitionError);
      expect(thrown).toMatchObject({ from, to, message: `conversation cannot go from ${from} to ${to}` });
    },
  );

  it('is live in every status but closed', () => {
    expect(STATUSES.filter(isLive)).toEqual(['open', 'queued', 'assigned']);
  });
});

describe('closeReasonFor', () => {
  it.each([
    ['visitor', 'visitor'],
    ['agent', 'agent'],
    ['system', 'inactivity'],
  ] as const)('an actor %s closes with reason %s', (actor, reason) => {
    expect(closeReasonFor(actor)).toBe(reason);
  });
});

describe('isInactive', () => {
  const last = new Date('2025-03-01T10:00:00.000Z');
  const minutes = (m: number) => new Date(last.getTime() + m * 60_000);
  const limit = 30 * 60_000;

  it.each([
    [0, false],
    [29.99, false],
    [30, true],
    [31, true],
    [-5, false],
  ])('after %s minutes of silence: %s', (m, inactive) => {
    expect(isInactive(last, minutes(m), limit)).toBe(inactive);
  });
});

import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@visavis/protocol';
import {
  applyEventToSummary,
  attentionCount,
  isNewAssignment,
  mergeSummary,
  replaceScope,
  sortedScope,
  titleFor,
} from './inbox.js';
import { ev, msg, receipt } from './testEvents.js';

const sum = (over: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: 'c1',
  status: 'assigned',
  visitorId: 'v1',
  visitorName: null,
  agentId: 'me',
  agentName: 'Ann',
  lastSeq: 3,
  createdAt: '2025-01-01T09:00:00Z',
  assignedAt: '2025-01-01T09:00:05Z',
  closedAt: null,
  lastMessageText: 'old',
  lastMessageAt: '2025-01-01T09:01:00Z',
  unread: 1,
  csatScore: null,
  ...over,
});

describe('applyEventToSummary', () => {
  it('updates preview and unread for a newer visitor message', () => {
    const s = applyEventToSummary(sum(), msg(4, 'visitor', 'new text'), false);
    expect(s).toMatchObject({ lastSeq: 4, lastMessageText: 'new text', unread: 2 });
  });

  it('ignores events the summary already reflects (no double counting)', () => {
    const s0 = sum();
    expect(applyEventToSummary(s0, msg(3, 'visitor', 'dup'), false)).toBe(s0);
    const s1 = applyEventToSummary(s0, msg(4, 'visitor', 'x'), false);
    expect(applyEventToSummary(s1, msg(4, 'visitor', 'x'), false)).toBe(s1);
  });

  it('does not raise unread while the agent is viewing, nor for agent messages', () => {
    expect(applyEventToSummary(sum(), msg(4, 'visitor', 'x'), true).unread).toBe(1);
    expect(applyEventToSummary(sum(), msg(4, 'agent', 'x'), false).unread).toBe(1);
  });

  it('follows status changes and CSAT', () => {
    let s = applyEventToSummary(sum(), ev(4, { type: 'conversation.closed', by: 'agent' }), false);
    expect(s.status).toBe('closed');
    s = applyEventToSummary(s, ev(5, { type: 'csat.submitted', score: 4, comment: '' }), false);
    expect(s.csatScore).toBe(4);
  });

  it('clears unread on an agent read receipt covering the latest seq', () => {
    expect(applyEventToSummary(sum(), receipt(4, 'agent', 'read', 3), false).unread).toBe(0);
  });
});

describe('list bookkeeping', () => {
  it('keeps the newer preview when a snapshot races a push', () => {
    const pushed = sum({ lastSeq: 9, lastMessageText: 'newest' });
    const merged = mergeSummary(pushed, sum({ lastSeq: 5, status: 'assigned' }));
    expect(merged.lastMessageText).toBe('newest');
    expect(merged.lastSeq).toBe(9);
  });

  it('replaces only the refreshed scope', () => {
    const all = { a: sum({ id: 'a' }), b: sum({ id: 'b', status: 'closed' }) };
    const next = replaceScope(all, [sum({ id: 'c' })], 'live');
    expect(Object.keys(next).sort()).toEqual(['b', 'c']);
  });

  it('detects new assignments to me only once', () => {
    const queued = sum({ status: 'queued', agentId: null });
    const mine = sum();
    expect(isNewAssignment(undefined, mine, 'me')).toBe(true);
    expect(isNewAssignment(queued, mine, 'me')).toBe(true);
    expect(isNewAssignment(mine, mine, 'me')).toBe(false);
    expect(isNewAssignment(undefined, sum({ agentId: 'other' }), 'me')).toBe(false);
  });

  it('sorts live by latest activity and counts attention for the title', () => {
    const all = {
      a: sum({ id: 'a', lastMessageAt: '2025-01-01T10:00:00Z', unread: 0 }),
      b: sum({ id: 'b', lastMessageAt: '2025-01-01T11:00:00Z', unread: 2 }),
      c: sum({ id: 'c', status: 'closed', closedAt: '2025-01-01T08:00:00Z' }),
    };
    const live = sortedScope(all, 'live');
    expect(live.map((s) => s.id)).toEqual(['b', 'a']);
    expect(attentionCount(live, (s) => s.unread, new Set(['a']))).toBe(2);
    expect(titleFor(2)).toBe('(2) Visavis');
    expect(titleFor(0)).toBe('Visavis');
  });
});

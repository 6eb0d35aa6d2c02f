import { describe, expect, it } from 'vitest';
import { LIMITS, type ConversationSummary, type SequencedEvent } from '@visavis/protocol';
import { EarlierConversations, pickEarlier, type HistorySource } from './history.js';

const summary = (id: string, status: ConversationSummary['status'], createdAt: string): ConversationSummary => ({
  id, status, visitorId: 'v1', visitorName: null, agentId: null, agentName: null, lastSeq: 0, createdAt,
  assignedAt: null, closedAt: null, lastMessageText: null, lastMessageAt: null, unread: 0, csatScore: null,
});

const message = (conversationId: string, seq: number): SequencedEvent => ({
  conversationId, seq, at: '2030-01-01T00:00:00.000Z',
  event: { type: 'message', messageId: `m${seq}`, clientMsgId: null, author: { kind: 'agent', id: 'a1', name: 'Ann' }, kind: 'text', text: `t${seq}`, attachment: null },
});

describe('pickEarlier', () => {
  it('keeps closed conversations other than the current one, newest first', () => {
    const all = [
      summary('old', 'closed', '2030-01-01T00:00:00Z'),
      summary('live', 'assigned', '2030-01-03T00:00:00Z'),
      summary('newer', 'closed', '2030-01-02T00:00:00Z'),
      summary('shown', 'closed', '2030-01-04T00:00:00Z'),
    ];
    expect(pickEarlier(all, 'shown').map((c) => c.id)).toEqual(['newer', 'old']);
  });
});

describe('EarlierConversations', () => {
  it('reads a long transcript page by page when opened, and folds it again', async () => {
    const total = LIMITS.eventsPageSize + 3;
    const asked: number[] = [];
    const source: HistorySource = {
      conversations: async () => [],
      events: async (id, after) => {
        asked.push(after);
        const seqs = Array.from({ length: Math.min(LIMITS.eventsPageSize, total - after) }, (_, i) => after + i + 1);
        return seqs.map((s) => message(id, s));
      },
    };
    let changes = 0;
    const h = new EarlierConversations(source, () => changes++);
    h.setFrom([summary('c1', 'closed', '2030-01-01T00:00:00Z')], null);
    h.toggle('c1');
    expect(h.state('c1').kind).toBe('loading');
    await new Promise((r) => setTimeout(r, 0));
    const s = h.state('c1');
    expect(s.kind).toBe('ready');
    expect(s.kind === 'ready' && s.timeline.items).toHaveLength(total);
    expect(asked).toEqual([0, LIMITS.eventsPageSize]);
    h.toggle('c1');
    expect(h.state('c1').kind).toBe('closed');
    expect(changes).toBeGreaterThan(2);
  });

  it('marks a failed load so the visitor can retry, and succeeds on retry', async () => {
    let fail = true;
    const source: HistorySource = {
      conversations: async () => [],
      events: async (id) => {
        if (fail) throw new Error('offline');
        return [message(id, 1)];
      },
    };
    const h = new EarlierConversations(source, () => {});
    h.setFrom([summary('c1', 'closed', '2030-01-01T00:00:00Z')], null);
    h.toggle('c1');
    await new Promise((r) => setTimeout(r, 0));
    expect(h.state('c1').kind).toBe('failed');
    fail = false;
    h.toggle('c1');
    await new Promise((r) => setTimeout(r, 0));
    expect(h.state('c1').kind).toBe('ready');
  });

  it('drops what it knew on reset (a new visitor identity)', async () => {
    const source: HistorySource = { conversations: async () => [summary('c2', 'closed', '2030-01-01T00:00:00Z')], events: async () => [] };
    const h = new EarlierConversations(source, () => {});
    await h.refresh(null);
    expect(h.list.map((c) => c.id)).toEqual(['c2']);
    h.reset();
    expect(h.list).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { SequencedEvent, TimelineEvent } from '@visavis/protocol';
import { Timeline, type MessageItem } from './timeline.js';

const conv = 'c1';
const at = '2030-01-01T00:00:00.000Z';
const ev = (seq: number, event: TimelineEvent): SequencedEvent => ({ conversationId: conv, seq, at, event });

const visitorMsg = (seq: number, clientMsgId: string, text = 'hi'): SequencedEvent =>
  ev(seq, {
    type: 'message',
    messageId: `m${seq}`,
    clientMsgId,
    author: { kind: 'visitor', id: 'v1', name: null },
    kind: 'text',
    text,
    attachment: null,
  });

const agentMsg = (seq: number, text = 'hello'): SequencedEvent =>
  ev(seq, {
    type: 'message',
    messageId: `m${seq}`,
    clientMsgId: null,
    author: { kind: 'agent', id: 'a1', name: 'Alice' },
    kind: 'text',
    text,
    attachment: null,
  });

const messages = (t: Timeline) => t.items.filter((i): i is MessageItem => i.type === 'message');

describe('Timeline merge of optimistic and server messages', () => {
  it('replaces a pending message with the server event of the same clientMsgId', () => {
    const t = new Timeline();
    t.addPending({ clientMsgId: 'cm-00000001', text: 'hi' });
    expect(messages(t)).toHaveLength(1);
    expect(messages(t)[0]!.state).toBe('pending');
    t.apply(visitorMsg(3, 'cm-00000001'));
    expect(messages(t)).toHaveLength(1);
    expect(messages(t)[0]).toMatchObject({ seq: 3, state: 'sent', key: 'cm-00000001' });
  });

  it('never shows a message twice whatever the order of ack, replay and live push', () => {
    const t = new Timeline();
    t.addPending({ clientMsgId: 'cm-00000001', text: 'hi' });
    // The ack's event, then the subscription delivering the same event, then a replay.
    expect(t.apply(visitorMsg(2, 'cm-00000001'))).toBe(true);
    expect(t.apply(visitorMsg(2, 'cm-00000001'))).toBe(false);
    expect(t.apply(visitorMsg(2, 'cm-00000001'))).toBe(false);
    expect(messages(t)).toHaveLength(1);
  });

  it('does not resurrect a pending copy when the server event came first', () => {
    const t = new Timeline();
    t.apply(visitorMsg(1, 'cm-00000001'));
    t.addPending({ clientMsgId: 'cm-00000001', text: 'hi' });
    expect(messages(t)).toHaveLength(1);
    expect(messages(t)[0]!.seq).toBe(1);
  });

  it('orders confirmed items by seq and keeps pending ones last', () => {
    const t = new Timeline();
    t.addPending({ clientMsgId: 'cm-aaaaaaaa', text: 'first' });
    t.addPending({ clientMsgId: 'cm-bbbbbbbb', text: 'second' });
    t.apply(agentMsg(5));
    t.apply(visitorMsg(6, 'cm-bbbbbbbb', 'second'));
    t.apply(agentMsg(4));
    expect(t.items.map((i) => i.seq)).toEqual([4, 5, 6, null]);
    expect(messages(t)[3]!.clientMsgId).toBe('cm-aaaaaaaa');
    t.apply(visitorMsg(7, 'cm-aaaaaaaa', 'first'));
    expect(t.items.map((i) => i.seq)).toEqual([4, 5, 6, 7]);
  });

  it('keeps a failed message until a retry confirms it', () => {
    const t = new Timeline();
    t.addPending({ clientMsgId: 'cm-00000001', text: 'hi' });
    t.setPendingState('cm-00000001', 'failed');
    expect(messages(t)[0]!.state).toBe('failed');
    t.apply(visitorMsg(1, 'cm-00000001'));
    expect(messages(t)[0]!.state).toBe('sent');
    expect(t.setPendingState('cm-00000001', 'failed')).toBe(false);
  });

  it('treats a visitor message from another tab (unknown clientMsgId) as a new message', () => {
    const t = new Timeline();
    t.addPending({ clientMsgId: 'cm-00000001', text: 'mine' });
    t.apply(visitorMsg(1, 'cm-other-tab', 'from the other tab'));
    expect(messages(t)).toHaveLength(2);
  });
});

describe('Timeline status, receipts and notices', () => {
  it('follows the conversation lifecycle with system notices', () => {
    const t = new Timeline();
    t.apply(ev(1, { type: 'conversation.created' }));
    t.apply(ev(2, { type: 'conversation.queued', reason: 'no agent' }));
    expect(t.status).toBe('queued');
    t.apply(ev(3, { type: 'conversation.assigned', agent: { id: 'a1', name: 'Alice' }, reason: 'x' }));
    expect(t.status).toBe('assigned');
    expect(t.agentName).toBe('Alice');
    t.apply(ev(4, { type: 'conversation.closed', by: 'agent' }));
    expect(t.status).toBe('closed');
    expect(t.items.map((i) => (i.type === 'system' ? i.notice.notice : i.type))).toEqual(['queued', 'assigned', 'closed']);
    t.apply(ev(5, { type: 'csat.submitted', score: 4, comment: '' }));
    expect(t.csatScore).toBe(4);
  });

  it('shows a transfer as a notice naming where it went, without the agents\' note', () => {
    const t = new Timeline();
    t.apply(ev(1, { type: 'conversation.assigned', agent: { id: 'a1', name: 'Alice' }, reason: 'x' }));
    t.apply(ev(2, { type: 'conversation.transferred', from: { id: 'a1', name: 'Alice' }, to: { kind: 'group', id: 'g', name: 'Loans' }, note: 'internal: VIP, be nice' }));
    t.apply(ev(3, { type: 'conversation.queued', reason: 'transferred to Loans' }));
    expect(t.status).toBe('queued');
    t.apply(ev(4, { type: 'conversation.transferred', from: null, to: { kind: 'agent', id: 'a2', name: 'Bo <b>' }, note: '' }));
    t.apply(ev(5, { type: 'conversation.assigned', agent: { id: 'a2', name: 'Bo <b>' }, reason: 'x' }));
    const notices = t.items.flatMap((i) => (i.type === 'system' ? [i.notice] : []));
    expect(notices.filter((n) => n.notice === 'transferred')).toEqual([
      { notice: 'transferred', to: 'group', name: 'Loans' },
      { notice: 'transferred', to: 'agent', name: 'Bo <b>' },
    ]);
    expect(JSON.stringify(t.items)).not.toContain('internal');
    expect(t.agentName).toBe('Bo <b>');
  });

  it('derives delivered and read marks from agent receipts', () => {
    const t = new Timeline();
    t.apply(visitorMsg(1, 'cm-00000001'));
    t.apply(visitorMsg(2, 'cm-00000002'));
    t.apply(ev(3, { type: 'receipt', by: 'agent', state: 'delivered', upToSeq: 2 }));
    t.apply(ev(4, { type: 'receipt', by: 'agent', state: 'read', upToSeq: 1 }));
    const [a, b] = messages(t);
    expect(t.receiptFor(a!)).toBe('read');
    expect(t.receiptFor(b!)).toBe('delivered');
    // Receipts never go backwards.
    t.apply(ev(5, { type: 'receipt', by: 'agent', state: 'read', upToSeq: 0 }));
    expect(t.receiptFor(a!)).toBe('read');
  });

  it('counts agent messages after the visitor read receipt as unread', () => {
    const t = new Timeline();
    t.apply(agentMsg(1));
    t.apply(agentMsg(2));
    expect(t.unreadCount()).toBe(2);
    t.apply(ev(3, { type: 'receipt', by: 'visitor', state: 'read', upToSeq: 1 }));
    expect(t.unreadCount()).toBe(1);
    expect(t.lastAgentMessageSeq()).toBe(2);
  });

  it('keeps hostile text as data', () => {
    const t = new Timeline();
    t.apply(agentMsg(1, '<img src=x onerror=alert(1)>'));
    expect(messages(t)[0]!.text).toBe('<img src=x onerror=alert(1)>');
  });
});

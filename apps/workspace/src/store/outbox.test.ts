import { describe, expect, it } from 'vitest';
import { Conversation, Emitter, VisavisError, type Connection, type ConnectionEvents } from '@visavis/client';
import type { SequencedEvent } from '@visavis/protocol';
import { displayItems } from '../lib/timeline.js';
import { checkFile, Outbox } from './outbox.js';

/** The Connection as far as a Conversation uses it: requests answered by `answers`, in turn. */
class StubConnection extends Emitter<ConnectionEvents> {
  readonly status = 'open';
  subscribe(): void {}
  unsubscribe(): void {}
  constructor(private readonly answer: (cmd: { type: string; clientMsgId?: string; text?: string }) => Promise<unknown>) {
    super();
  }
  request<T>(cmd: { type: string }): Promise<T> {
    return this.answer(cmd) as Promise<T>;
  }
}

function harness(answers: ((cmd: { clientMsgId?: string; text?: string }) => unknown)[]) {
  const sent: { type: string; clientMsgId?: string; text?: string }[] = [];
  let seq = 0;
  const conn = new StubConnection(async (cmd) => {
    if (cmd.type !== 'message.send') return undefined;
    sent.push(cmd);
    const answer = answers.shift();
    if (!answer) throw new Error('unexpected request');
    return answer(cmd);
  });
  const conv = new Conversation(conn as unknown as Connection, 'c1', { me: 'agent', confirmedBy: null });
  const outbox = new Outbox({ conversation: (id) => (id === 'c1' ? conv : null) });
  const stored = (c: { clientMsgId?: string; text?: string }): { event: SequencedEvent } => ({
    event: {
      conversationId: 'c1',
      seq: ++seq,
      at: '2025-01-01T10:00:00Z',
      event: {
        type: 'message',
        messageId: `m${seq}`,
        clientMsgId: c.clientMsgId ?? null,
        author: { kind: 'agent', id: 'me', name: 'Ann' },
        kind: 'text',
        text: c.text ?? '',
        attachment: null,
      },
    },
  });
  return {
    outbox,
    sent,
    stored,
    get tl() {
      return conv.timeline;
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Outbox', () => {
  it('shows a pending message at once and swaps it for the acked event', async () => {
    const h = harness([(c) => h.stored(c)]);
    h.outbox.sendText('c1', '  hello  ');
    expect(displayItems(h.tl).map((i) => i.kind)).toEqual(['pending']);
    await flush();
    const items = displayItems(h.tl);
    expect(items).toHaveLength(1);
    expect(items[0]!.kind).toBe('event');
    expect(h.sent[0]).toMatchObject({ type: 'message.send', text: 'hello' });
    expect(h.tl.events).toHaveLength(1);
  });

  it('retries with the same clientMsgId after a failure', async () => {
    const h = harness([
      () => {
        throw new VisavisError('TIMEOUT', 'no answer');
      },
      (c) => h.stored(c),
    ]);
    h.outbox.sendText('c1', 'hello');
    await flush();
    expect(h.tl.pending[0]).toMatchObject({ state: 'failed', error: 'TIMEOUT' });
    h.outbox.retry('c1', h.tl.pending[0]!.clientMsgId);
    await flush();
    expect(h.sent[0]!.clientMsgId).toBe(h.sent[1]!.clientMsgId);
    expect(displayItems(h.tl)).toHaveLength(1);
  });

  it('ignores empty messages, and sends nothing into a conversation it does not follow', async () => {
    const h = harness([]);
    h.outbox.sendText('c1', '   ');
    h.outbox.sendText('elsewhere', 'hello');
    await flush();
    expect(h.tl.pending).toHaveLength(0);
    expect(h.sent).toHaveLength(0);
  });

  it('refuses disallowed or oversized files before uploading', () => {
    expect(checkFile({ type: 'application/x-msdownload', size: 10 })).toBe('chat.fileType');
    expect(checkFile({ type: 'image/png', size: 11 * 1024 * 1024 })).toBe('chat.fileTooLarge');
    expect(checkFile({ type: 'image/png', size: 1000 })).toBeNull();
  });
});

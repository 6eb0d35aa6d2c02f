import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import { CLIENT_MESSAGE_TYPES, ClientMessage, type ClientMessageType } from './ws.js';

/**
 * One valid example per command. The first test fails when a variant is added to ClientMessage
 * without an example here (a runtime check, so work in progress still typechecks).
 */
const VALID: Partial<Record<ClientMessageType, Record<string, unknown>>> &
  Record<string, Record<string, unknown>> = {
  auth: { type: 'auth', token: 'v.eyJ9.sig' },
  'conversation.subscribe': { type: 'conversation.subscribe', conversationId: '00000000-0000-4000-8000-0000000000c1', afterSeq: 0 },
  'conversation.unsubscribe': { type: 'conversation.unsubscribe', conversationId: '00000000-0000-4000-8000-0000000000c1' },
  'conversation.start': {
    type: 'conversation.start',
    pageUrl: 'https://shop.example/cart',
    language: 'zh-CN',
  },
  'message.send': {
    type: 'message.send',
    conversationId: '00000000-0000-4000-8000-0000000000c1',
    clientMsgId: 'abcdef0123456789',
    text: 'hello',
  },
  'typing.set': { type: 'typing.set', conversationId: '00000000-0000-4000-8000-0000000000c1', typing: true },
  'receipt.mark': { type: 'receipt.mark', conversationId: '00000000-0000-4000-8000-0000000000c1', state: 'read', upToSeq: 7 },
  'conversation.close': { type: 'conversation.close', conversationId: '00000000-0000-4000-8000-0000000000c1' },
  'csat.submit': { type: 'csat.submit', conversationId: '00000000-0000-4000-8000-0000000000c1', score: 5, comment: 'quick and kind' },
  'presence.set': { type: 'presence.set', presence: 'away' },
  'offer.accept': { type: 'offer.accept', offerId: '00000000-0000-4000-8000-0000000000f1' },
  'offer.decline': { type: 'offer.decline', offerId: '00000000-0000-4000-8000-0000000000f1' },
  'conversation.transfer': {
    type: 'conversation.transfer',
    conversationId: '00000000-0000-4000-8000-0000000000c1',
    agentId: '00000000-0000-4000-8000-0000000000a2',
    note: 'billing question',
  },
  ping: { type: 'ping' },
  'call.start': { type: 'call.start', conversationId: '00000000-0000-4000-8000-0000000000c1', media: 'video', profile: '720p' },
  'call.accept': { type: 'call.accept', callId: '00000000-0000-4000-8000-0000000000a1' },
  'call.decline': { type: 'call.decline', callId: '00000000-0000-4000-8000-0000000000a1' },
  'call.hangup': { type: 'call.hangup', callId: '00000000-0000-4000-8000-0000000000a1' },
  'call.publish': { type: 'call.publish', callId: '00000000-0000-4000-8000-0000000000a1', jsep: { type: 'offer', sdp: 'v=0\r\n' } },
  'call.subscribe': { type: 'call.subscribe', callId: '00000000-0000-4000-8000-0000000000a1' },
  'call.subscribe_answer': { type: 'call.subscribe_answer', callId: '00000000-0000-4000-8000-0000000000a1', jsep: { type: 'answer', sdp: 'v=0\r\n' } },
  'call.trickle': { type: 'call.trickle', callId: '00000000-0000-4000-8000-0000000000a1', leg: 'publish', candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
  'call.configure': { type: 'call.configure', callId: '00000000-0000-4000-8000-0000000000a1', audio: false },
  'call.stats': { type: 'call.stats', callId: '00000000-0000-4000-8000-0000000000a1', stats: { lossPct: 2.5, availableKbps: 900, freezeCount: 0, fps: 29, rttMs: 40 } },
  'call.snapshot_request': { type: 'call.snapshot_request', callId: '00000000-0000-4000-8000-0000000000a1' },
};

/** The issues of a rejected input, reduced to what a client or log reader needs. */
function issues(input: unknown): { path: string; code: string; message: string }[] {
  const r = ClientMessage.safeParse(input);
  if (r.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return r.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
}

describe('ClientMessage: valid commands', () => {
  it('has an example for every command type, each listed once in CLIENT_MESSAGE_TYPES', () => {
    expect([...CLIENT_MESSAGE_TYPES].sort()).toEqual(Object.keys(VALID).sort());
    expect(new Set(CLIENT_MESSAGE_TYPES).size).toBe(CLIENT_MESSAGE_TYPES.length);
  });

  it.each(Object.entries(VALID))('accepts %s without a rid', (_type, input) => {
    expect(ClientMessage.parse(input)).toMatchObject(input);
  });

  it.each(Object.entries(VALID))('accepts %s with a rid and echoes it', (_type, input) => {
    expect(ClientMessage.parse({ ...input, rid: 'r42' })).toMatchObject({ ...input, rid: 'r42' });
  });

  it('fills the defaults of message.send (empty text with a file) and csat.submit (no comment)', () => {
    expect(
      ClientMessage.parse({
        type: 'message.send',
        conversationId: '00000000-0000-4000-8000-00000000000c',
        clientMsgId: 'ABCdef_-12',
        blobId: '00000000-0000-4000-8000-0000000000b1',
      }),
    ).toEqual({
      type: 'message.send',
      conversationId: '00000000-0000-4000-8000-00000000000c',
      clientMsgId: 'ABCdef_-12',
      blobId: '00000000-0000-4000-8000-0000000000b1',
      text: '',
    });
    expect(ClientMessage.parse({ type: 'csat.submit', conversationId: '00000000-0000-4000-8000-00000000000c', score: 1 })).toEqual({
      type: 'csat.submit',
      conversationId: '00000000-0000-4000-8000-00000000000c',
      score: 1,
      comment: '',
    });
  });

  it('accepts text of exactly the limit, counted in UTF-16 units like the server does', () => {
    const text = '好'.repeat(LIMITS.textMessageChars);
    expect(ClientMessage.parse({ ...VALID['message.send'], text })).toMatchObject({ text });
  });

  it('drops unknown fields instead of passing them to handlers', () => {
    expect(ClientMessage.parse({ type: 'ping', admin: true })).toEqual({ type: 'ping' });
  });
});

describe('ClientMessage: rejected input, with an issue naming the field', () => {
  it('rejects an unknown type, listing the known ones', () => {
    const [issue, ...rest] = issues({ type: 'conversation.delete', conversationId: '00000000-0000-4000-8000-00000000000c' });
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ path: 'type', code: 'invalid_union' });
    expect(issue!.message).toContain("'message.send'");
  });

  it.each([
    ['no type at all', { rid: 'r1' }],
    ['a non-string type', { type: 7 }],
    ['a type in another case', { type: 'PING' }],
  ])('rejects %s at path "type"', (_what, input) => {
    expect(issues(input)).toEqual([expect.objectContaining({ path: 'type' })]);
  });

  it.each([null, 'ping', 42, [], undefined])('rejects the non-object %j', (input) => {
    expect(issues(input)).toEqual([expect.objectContaining({ path: '', code: 'invalid_type' })]);
  });

  it('treats rid as optional, but rejects a rid that is not a short string', () => {
    // rid is optional by design: the SDK's auth frame and fire-and-forget commands carry none.
    expect(ClientMessage.safeParse({ type: 'ping' }).success).toBe(true);
    expect(issues({ type: 'ping', rid: 1 })).toEqual([
      expect.objectContaining({ path: 'rid', code: 'invalid_type' }),
    ]);
    expect(issues({ type: 'ping', rid: 'r'.repeat(65) })).toEqual([
      expect.objectContaining({ path: 'rid', code: 'too_big' }),
    ]);
  });

  it('rejects text one character over LIMITS.textMessageChars', () => {
    const text = 'x'.repeat(LIMITS.textMessageChars + 1);
    const [issue] = issues({ ...VALID['message.send'], text });
    expect(issue).toMatchObject({ path: 'text', code: 'too_big' });
    expect(issue!.message).toContain(String(LIMITS.textMessageChars));
  });

  it('rejects a CSAT comment over LIMITS.csatCommentChars', () => {
    const comment = 'x'.repeat(LIMITS.csatCommentChars + 1);
    expect(issues({ ...VALID['csat.submit'], comment })).toEqual([
      expect.objectContaining({ path: 'comment', code: 'too_big' }),
    ]);
  });

  it('rejects a page URL over LIMITS.urlChars', () => {
    const pageUrl = `https://x.example/${'a'.repeat(LIMITS.urlChars)}`;
    expect(issues({ type: 'conversation.start', pageUrl })).toEqual([
      expect.objectContaining({ path: 'pageUrl' }),
    ]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['auth without a token', { type: 'auth' }, 'token'],
    ['auth with an empty token', { type: 'auth', token: '' }, 'token'],
    ['auth with an oversize token', { type: 'auth', token: 't'.repeat(513) }, 'token'],
    ['subscribe without afterSeq', { type: 'conversation.subscribe', conversationId: '00000000-0000-4000-8000-00000000000c' }, 'afterSeq'],
    [
      'subscribe with a string afterSeq',
      { type: 'conversation.subscribe', conversationId: '00000000-0000-4000-8000-00000000000c', afterSeq: '3' },
      'afterSeq',
    ],
    [
      'subscribe with a negative afterSeq',
      { type: 'conversation.subscribe', conversationId: '00000000-0000-4000-8000-00000000000c', afterSeq: -1 },
      'afterSeq',
    ],
    [
      'subscribe with a fractional afterSeq',
      { type: 'conversation.subscribe', conversationId: '00000000-0000-4000-8000-00000000000c', afterSeq: 1.5 },
      'afterSeq',
    ],
    [
      'subscribe with an empty id',
      { type: 'conversation.subscribe', conversationId: '', afterSeq: 0 },
      'conversationId',
    ],
    ['unsubscribe without an id', { type: 'conversation.unsubscribe' }, 'conversationId'],
    ['start with an unsupported language', { type: 'conversation.start', language: 'fr' }, 'language'],
    ['send without a clientMsgId', { type: 'message.send', conversationId: '00000000-0000-4000-8000-00000000000c', text: 'hi' }, 'clientMsgId'],
    [
      'send with a short clientMsgId',
      { type: 'message.send', conversationId: '00000000-0000-4000-8000-00000000000c', clientMsgId: 'abc', text: 'hi' },
      'clientMsgId',
    ],
    [
      'send with a clientMsgId of odd characters',
      { type: 'message.send', conversationId: '00000000-0000-4000-8000-00000000000c', clientMsgId: 'abc def/..', text: 'hi' },
      'clientMsgId',
    ],
    [
      'send with a numeric text',
      { type: 'message.send', conversationId: '00000000-0000-4000-8000-00000000000c', clientMsgId: 'abcdefgh', text: 5 },
      'text',
    ],
    [
      'send with an oversize conversation id',
      { type: 'message.send', conversationId: 'c'.repeat(65), clientMsgId: 'abcdefgh' },
      'conversationId',
    ],
    ['typing with a string flag', { type: 'typing.set', conversationId: '00000000-0000-4000-8000-00000000000c', typing: 'yes' }, 'typing'],
    [
      'receipt with an unknown state',
      { type: 'receipt.mark', conversationId: '00000000-0000-4000-8000-00000000000c', state: 'seen', upToSeq: 1 },
      'state',
    ],
    ['receipt without upToSeq', { type: 'receipt.mark', conversationId: '00000000-0000-4000-8000-00000000000c', state: 'read' }, 'upToSeq'],
    ['close without an id', { type: 'conversation.close' }, 'conversationId'],
    ['csat score 0', { type: 'csat.submit', conversationId: '00000000-0000-4000-8000-00000000000c', score: 0 }, 'score'],
    ['csat score 6', { type: 'csat.submit', conversationId: '00000000-0000-4000-8000-00000000000c', score: 6 }, 'score'],
    ['csat score 4.5', { type: 'csat.submit', conversationId: '00000000-0000-4000-8000-00000000000c', score: 4.5 }, 'score'],
    ['presence dnd', { type: 'presence.set', presence: 'dnd' }, 'presence'],
    ['offer.accept without an offer id', { type: 'offer.accept' }, 'offerId'],
    ['offer.decline with a numeric offer id', { type: 'offer.decline', offerId: 7 }, 'offerId'],
    [
      'transfer with an oversize note',
      { type: 'conversation.transfer', conversationId: '00000000-0000-4000-8000-00000000000c', agentId: '00000000-0000-4000-8000-00000000000a', note: 'n'.repeat(1001) },
      'note',
    ],
  ];
  it.each(bad)('rejects %s', (_what, input, path) => {
    expect(issues(input).map((i) => i.path)).toEqual([path]);
  });
});

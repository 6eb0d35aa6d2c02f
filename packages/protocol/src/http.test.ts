import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LoginRequest, PresenceRequest, VisitorIdentity, VisitorSessionRequest } from './http.js';
import { SequencedEvent, TimelineEvent } from './model.js';

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.error ? r.error.issues.map((i) => i.path.join('.')) : [];

describe('REST request schemas', () => {
  it('LoginRequest accepts an email and password, and rejects a bad email or an empty password', () => {
    expect(LoginRequest.parse({ email: 'a@b.example', password: 'x' })).toEqual({
      email: 'a@b.example',
      password: 'x',
    });
    expect(paths(LoginRequest.safeParse({ email: 'not-an-email', password: 'x' }))).toEqual(['email']);
    expect(paths(LoginRequest.safeParse({ email: 'a@b.example', password: '' }))).toEqual(['password']);
    expect(paths(LoginRequest.safeParse({ email: 'a@b.example', password: 'p'.repeat(257) }))).toEqual([
      'password',
    ]);
  });

  it('VisitorIdentity accepts the hex HMAC-SHA256 a business backend computes', () => {
    const hash = createHmac('sha256', 'identity-secret').update('user-42').digest('hex');
    expect(VisitorIdentity.parse({ userId: 'user-42', hash })).toEqual({ userId: 'user-42', hash });
  });

  it.each([
    ['an upper-case hash', 'A'.repeat(64)],
    ['a short hash', 'a'.repeat(63)],
    ['a base64 hash', 'q'.repeat(43) + '='],
  ])('VisitorIdentity rejects %s', (_what, hash) => {
    expect(paths(VisitorIdentity.safeParse({ userId: 'u', hash }))).toEqual(['hash']);
  });

  it('VisitorSessionRequest needs only a site key, and checks nested identity fields by path', () => {
    expect(VisitorSessionRequest.parse({ siteKey: 'demo-bank' })).toEqual({ siteKey: 'demo-bank' });
    expect(paths(VisitorSessionRequest.safeParse({ siteKey: '' }))).toEqual(['siteKey']);
    expect(
      paths(
        VisitorSessionRequest.safeParse({ siteKey: 'k', identity: { userId: '', hash: 'a'.repeat(64) } }),
      ),
    ).toEqual(['identity.userId']);
    expect(paths(VisitorSessionRequest.safeParse({ siteKey: 'k', language: 'de' }))).toEqual(['language']);
  });

  it('PresenceRequest accepts the known presences only', () => {
    for (const presence of ['online', 'away', 'offline'])
      expect(PresenceRequest.parse({ presence })).toEqual({ presence });
    expect(PresenceRequest.safeParse({ presence: 'dnd' }).success).toBe(false);
    expect(PresenceRequest.safeParse({ presence: 'ONLINE' }).success).toBe(false);
  });
});

describe('timeline events', () => {
  const message = {
    type: 'message',
    messageId: 'c:3',
    clientMsgId: 'abcdefgh',
    author: { kind: 'visitor', id: 'v1', name: null },
    kind: 'text',
    text: 'hi',
    attachment: null,
  };

  it('accepts every event type the server stores', () => {
    const events = [
      message,
      { type: 'receipt', by: 'agent', state: 'read', upToSeq: 3 },
      { type: 'conversation.created' },
      { type: 'conversation.queued', reason: 'waiting for an agent' },
      { type: 'conversation.assigned', agent: { id: 'a1', name: 'Li Na' }, reason: 'least-loaded' },
      { type: 'conversation.closed', by: 'inactivity' },
      {
        type: 'conversation.transferred',
        from: { id: 'a1', name: 'Li Na' },
        to: { kind: 'group', id: 'g1', name: 'Billing' },
        note: '',
      },
      { type: 'csat.submitted', score: 4, comment: '' },
    ];
    for (const e of events) expect(TimelineEvent.parse(e)).toEqual(e);
    expect(
      SequencedEvent.parse({ conversationId: 'c', seq: 1, at: '2025-01-01T00:00:00.000Z', event: message }),
    ).toBeTruthy();
  });

  it('rejects an unknown event type, an unknown author kind and a negative seq', () => {
    expect(paths(TimelineEvent.safeParse({ type: 'message.deleted' }))).toEqual(['type']);
    expect(
      paths(TimelineEvent.safeParse({ ...message, author: { kind: 'bot', id: null, name: null } })),
    ).toEqual(['author.kind']);
    expect(
      paths(SequencedEvent.safeParse({ conversationId: 'c', seq: -1, at: 'x', event: message })),
    ).toEqual(['seq']);
  });
});

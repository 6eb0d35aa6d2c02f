import { describe, expect, it } from 'vitest';
import { parseParams } from './params.js';
import { parseAppToHost, parseHostToApp, parseIdentity, parseRouting, BRIDGE_NS } from '../shared/bridge.js';

const hash = 'a'.repeat(64);

describe('parseParams', () => {
  it('reads embed mode and language, and never takes a postMessage partner from ?host=', () => {
    const p = parseParams('?siteKey=k1&lang=zh-TW&embed=1&host=https%3A%2F%2Fevil.example', 'en-US');
    expect(p).toEqual({ siteKey: 'k1', lang: 'zh-TW', embed: true, identity: null, routing: {}, channel: 'web' });
  });

  it('is full-page without the embed param and takes identity from the query', () => {
    const p = parseParams(`?siteKey=k1&userId=u1&ts=1765000000&hash=${hash}&name=Ann`, 'zh-HK');
    expect(p.embed).toBe(false);
    expect(p.lang).toBe('zh-TW');
    expect(p.identity).toEqual({ userId: 'u1', ts: 1765000000, hash, name: 'Ann' });
    expect(parseParams(`?siteKey=k1&userId=u1&ts=soon&hash=${hash}`, 'en').identity).toBeNull();
  });

  it('ignores a malformed identity', () => {
    const p = parseParams('?siteKey=k&embed=1&userId=u&hash=nothex', 'en');
    expect(p.identity).toBeNull();
  });
});

describe('routing hints and signed facts', () => {
  it('reads entryPoint and a designated agent, and the channel from the mode', () => {
    const h5 = parseParams('?siteKey=demo-bank&agent=5f0c-Ab_9&entryPoint=%20mortgage%20', 'en');
    expect(h5.routing).toEqual({ entryPoint: 'mortgage', agent: '5f0c-Ab_9' });
    expect(h5.channel).toBe('h5');
    const embedded = parseParams('?siteKey=k&embed=1&host=https%3A%2F%2Fbank.example', 'en');
    expect(embedded.routing).toEqual({});
    expect(embedded.channel).toBe('web');
  });

  it('drops hints that cannot be ids or names', () => {
    const p = parseParams(`?siteKey=k&agent=${encodeURIComponent('<script>')}&entryPoint=${'x'.repeat(101)}`, 'en');
    expect(p.routing).toEqual({});
    expect(parseRouting({ agent: 'a'.repeat(65) })).toEqual({});
    expect(parseRouting('agent=1')).toEqual({});
  });

  it('passes signed facts through only as a well-formed pair', () => {
    const facts = 'eyJ2aXAiOnRydWV9';
    const p = parseParams(`?siteKey=k&userId=u1&hash=${hash}&facts=${facts}&factsHash=${'b'.repeat(64)}`, 'en');
    expect(p.identity).toEqual({ userId: 'u1', hash, facts, factsHash: 'b'.repeat(64) });
    expect(parseIdentity({ userId: 'u1', hash, facts })).toEqual({ userId: 'u1', hash });
    expect(parseIdentity({ userId: 'u1', hash, facts: 'not base64url!', factsHash: 'b'.repeat(64) })).toEqual({ userId: 'u1', hash });
  });
});

describe('bridge message parsing', () => {
  it('accepts only our namespace and known kinds', () => {
    expect(parseHostToApp({ kind: 'visibility', open: true })).toBeNull();
    expect(parseHostToApp({ ns: BRIDGE_NS, kind: 'eval', code: 'x' })).toBeNull();
    expect(parseHostToApp({ ns: BRIDGE_NS, kind: 'visibility', open: true })).toEqual({ ns: BRIDGE_NS, kind: 'visibility', open: true });
    expect(parseHostToApp({ ns: BRIDGE_NS, kind: 'identify', identity: { userId: 'u', hash: 'x' } })).toBeNull();
    expect(parseAppToHost({ ns: BRIDGE_NS, kind: 'event', name: 'message.received', data: 1 })).not.toBeNull();
    expect(parseAppToHost({ ns: BRIDGE_NS, kind: 'event', name: 'constructor' })).toBeNull();
    expect(parseAppToHost({ ns: BRIDGE_NS, kind: 'unread', count: -3 })).toEqual({ ns: BRIDGE_NS, kind: 'unread', count: 0 });
    expect(parseHostToApp({ ns: BRIDGE_NS, kind: 'routing', routing: { entryPoint: 'loans', agent: 'a1', extra: 1 } })).toEqual({
      ns: BRIDGE_NS,
      kind: 'routing',
      routing: { entryPoint: 'loans', agent: 'a1' },
    });
  });

  it('carries the first-party refresh token only in its opaque shape', () => {
    const token = 'Ab_-'.repeat(10);
    expect(parseHostToApp({ ns: BRIDGE_NS, kind: 'init', identity: null, pageUrl: 'https://shop.example/', open: false, refreshToken: token })).toMatchObject({
      kind: 'init',
      refreshToken: token,
    });
    expect(parseHostToApp({ ns: BRIDGE_NS, kind: 'init', identity: null, pageUrl: '', refreshToken: '<img onerror=x>' })).toMatchObject({ refreshToken: null });
    expect(parseHostToApp({ ns: BRIDGE_NS, kind: 'session', refreshToken: 42 })).toEqual({ ns: BRIDGE_NS, kind: 'session', refreshToken: null });
    expect(parseAppToHost({ ns: BRIDGE_NS, kind: 'session', refreshToken: token })).toEqual({ ns: BRIDGE_NS, kind: 'session', refreshToken: token });
  });

  it('takes the identity timestamp as a number or a decimal string, and refuses anything else', () => {
    expect(parseIdentity({ userId: 'u', hash, ts: '1765100000' })).toEqual({ userId: 'u', hash, ts: 1765100000 });
    expect(parseIdentity({ userId: 'u', hash, ts: 1765100000 })).toEqual({ userId: 'u', hash, ts: 1765100000 });
    expect(parseIdentity({ userId: 'u', hash, ts: -1 })).toBeNull();
    expect(parseIdentity({ userId: 'u', hash, ts: '17e8' })).toBeNull();
  });
});

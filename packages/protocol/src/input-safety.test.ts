import { describe, expect, it } from 'vitest';
import { findInputProblem, isUnsafeText, jsonDepthExceeds, MAX_JSON_DEPTH } from './input-safety.js';
import { ClientMessage } from './ws.js';

describe('input safety', () => {
  it('finds NUL and lone surrogates, and lets real Unicode through', () => {
    for (const bad of ['a\u0000b', '\uD800', 'x\uDBFFy', '\uDC00', 'end\uD83D']) expect(isUnsafeText(bad), JSON.stringify(bad)).toBe(true);
    for (const good of ['', '你好', '😀', '👩‍👩‍👧', '\u202Eevil', 'e\u0301', 'tab\there']) expect(isUnsafeText(good), good).toBe(false);
  });

  it('measures JSON depth without parsing, ignoring brackets inside strings', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds(nested(1_000_000))).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ text: '['.repeat(500) + '"\\' }))).toBe(false);
    expect(jsonDepthExceeds(`{"a":"\\"[[[[","b":${nested(3)}}`, 4)).toBe(false);
  });

  it('names the first unsafe value, key, prototype key or over-deep spot of a parsed document', () => {
    expect(findInputProblem({ a: ['ok', { text: 'x\u0000' }] })).toEqual({ kind: 'text', path: 'a.1.text' });
    expect(findInputProblem({ ['\uD800']: 1 })).toEqual({ kind: 'text', path: '\uD800' });
    expect(findInputProblem(JSON.parse('{"a":{"__proto__":{"admin":true}}}'))).toEqual({ kind: 'prototype-key', path: 'a.__proto__' });
    expect(findInputProblem({ constructor: { prototype: 1 } })?.kind).toBe('prototype-key');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(findInputProblem(deep)?.kind).toBe('depth');
    expect(findInputProblem({ type: 'message.send', text: '你好 😀', n: 5, ok: true, none: null })).toBeNull();
  });

  it('refuses non-UUID ids and sequence numbers beyond PostgreSQL integer in client commands', () => {
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    const sub = (conversationId: unknown, afterSeq: unknown) => ClientMessage.safeParse({ type: 'conversation.subscribe', conversationId, afterSeq }).success;
    expect(sub(id, 0)).toBe(true);
    expect(sub(id, 2 ** 31 - 1)).toBe(true);
    for (const seq of [2 ** 31, -1, 1.5, Number.MAX_SAFE_INTEGER]) expect(sub(id, seq), String(seq)).toBe(false);
    for (const bad of ['c-1', '', `${id}0`, id.replace(/-/g, '')]) expect(sub(bad, 0), bad).toBe(false);
  });
});

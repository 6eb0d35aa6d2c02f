import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hexEquals, normalizeExternalUserId } from './identity.js';

const hmac = (secret: string, userId: string) => createHmac('sha256', secret).update(userId).digest('hex');

describe('hexEquals', () => {
  const h = hmac('secret', 'user-1');

  it('is true for the same digest', () => {
    expect(hexEquals(h, hmac('secret', 'user-1'))).toBe(true);
  });

  it.each([
    ['another user', hmac('secret', 'user-2')],
    ['another secret', hmac('other', 'user-1')],
    ['the last character changed', h.slice(0, -1) + (h.endsWith('0') ? '1' : '0')],
    ['the first character changed', (h.startsWith('0') ? '1' : '0') + h.slice(1)],
  ])('is false for %s (same length)', (_what, other) => {
    expect(other).toHaveLength(h.length);
    expect(hexEquals(h, other)).toBe(false);
  });

  it.each([
    ['a truncated digest', h.slice(0, 63)],
    ['a digest with an extra character', h + '0'],
    ['a prefix', h.slice(0, 8)],
    ['the empty string', ''],
  ])('is false for %s (unequal length), in both argument orders', (_what, other) => {
    expect(hexEquals(h, other)).toBe(false);
    expect(hexEquals(other, h)).toBe(false);
  });

  it('is true for two empty strings and case-sensitive (digests are lower-case hex)', () => {
    expect(hexEquals('', '')).toBe(true);
    expect(hexEquals('0a1b', '0A1B')).toBe(false);
  });
});

describe('normalizeExternalUserId', () => {
  it.each([
    ['user-1', 'user-1'],
    ['  user-1\n', 'user-1'],
    ['\tUSER 1 ', 'USER 1'],
  ])('%j -> %j (trimmed, case kept)', (input, out) => {
    expect(normalizeExternalUserId(input)).toBe(out);
  });

  it('is idempotent, so the HMAC is computed over one canonical id', () => {
    const once = normalizeExternalUserId('  42 ');
    expect(normalizeExternalUserId(once)).toBe(once);
  });
});

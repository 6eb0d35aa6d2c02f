import { describe, expect, it } from 'vitest';
import { factsSigningString, hmacHex, identitySigningString, signIdentity } from './tokens.js';

/** The README's worked example ("Identified visitors"): integrators check their code against it. */
describe('identity signing strings', () => {
  const secret = 'd3b07384d113edec49eaa6238ad5ff00c86f1f4b1a2f0f3e6a8b9c0d1e2f3a4b';

  it('signs the documented v2 string and gives the documented hash', () => {
    const identity = { userId: 'customer-42', ts: 1765100000, name: 'Zhang San', email: 'zhang.san@example.com' };
    expect(identitySigningString(identity)).toBe('visavis-identity-v2\ncustomer-42\n1765100000\nZhang San\nzhang.san@example.com');
    expect(signIdentity(secret, identity)).toBe('eae31cf3890d0af538413b7bf8eb1a38287326b043fed2fe0b185b16b1f3a682');
  });

  it('keeps empty fields in place and separates the facts MAC by its prefix', () => {
    expect(identitySigningString({ userId: 'u', ts: 1 })).toBe('visavis-identity-v2\nu\n1\n\n');
    const facts = Buffer.from(JSON.stringify({ vip: true, tags: ['wealth'] })).toString('base64url');
    expect(facts).toBe('eyJ2aXAiOnRydWUsInRhZ3MiOlsid2VhbHRoIl19');
    expect(hmacHex(secret, factsSigningString('customer-42', facts))).toBe('fc1c769b46d5cfe53f353dfd4db9b1529e222463dcf7e05abe5445589438c73c');
    expect(factsSigningString('customer-42', facts).startsWith('visavis-facts-v2\n')).toBe(true);
  });
});

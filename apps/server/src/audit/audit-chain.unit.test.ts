import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChainVerifier, type AuditEntry } from './audit-chain.js';
import { auditEntryHash, canonicalJson, GENESIS_HASH, JsonValue } from './canonical.js';

const ORG = '11111111-1111-4111-8111-111111111111';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e: AuditEntry = {
      orgId: ORG, seq, at: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      actor: { kind: 'agent', id: `agent-${seq % 3}` }, action: 'recording.play',
      target: { type: 'recording', id: `rec-${seq}` }, details: { range: `bytes=0-${seq}`, n: seq }, prevHash: prev, hash: '',
    };
    e.hash = auditEntryHash(e);
    prev = e.hash;
    out.push(e);
  }
  return out;
}

const verify = (entries: AuditEntry[], head: { seq: number; hash: string } | null = entries.length ? { seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash } : null) => {
  const v = new ChainVerifier(ORG);
  for (const e of entries) if (!v.push(e)) break;
  return v.finish(head);
};

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: true } })).toBe('{"a":{"c":true,"d":[3,{"y":"x","z":null}]},"b":1}');
  });

  it('is independent of key insertion order and drops undefined like JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: 'é\n"' })).toBe(canonicalJson({ c: 'é\n"', a: 1 }));
    expect(canonicalJson(-0)).toBe('0');
  });

  it('refuses what jsonb could not give back unchanged', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(() => 1)).toThrow();
    expect(JsonValue.safeParse({ s: 'a\u0000b' }).success).toBe(false);
    expect(JsonValue.safeParse({ n: Infinity }).success).toBe(false);
  });

  it('survives a JSON round trip with reordered keys (what jsonb does)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const reparsed = JSON.parse(canonicalJson(v)) as unknown;
        const shuffled = JSON.parse(JSON.stringify(reparsed, (_k, x: unknown) =>
          x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x)) as unknown;
        expect(canonicalJson(shuffled)).toBe(canonicalJson(v));
      }),
      { numRuns: 200 },
    );
  });
});

describe('auditEntryHash', () => {
  it('is a pinned SHA-256 of the canonical form (changing it breaks every stored chain)', () => {
    const h = auditEntryHash({
      orgId: ORG, seq: 1, at: '2025-01-01T00:00:00.000Z', actor: { kind: 'system', id: null }, action: 'retention.purge',
      target: { type: null, id: null }, details: { b: 2, a: 1 }, prevHash: GENESIS_HASH,
    });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(auditEntryHash({
      orgId: ORG, seq: 1, at: '2025-01-01T00:00:00.000Z', actor: { kind: 'system', id: null }, action: 'retention.purge',
      target: { type: null, id: null }, details: { a: 1, b: 2 }, prevHash: GENESIS_HASH,
    }));
    // Recomputed independently: printf 'visavis.audit.v1\n{"action":...}' | sha256sum (docs/compliance.md).
    expect(h).toBe('a957f5978d947df75cce80c490aaa7422e1c7810a6f14b349a60af0cf70d9959');
  });

  it('changes with every covered field', () => {
    const [e] = chain(1);
    const base = auditEntryHash(e!);
    const variants: Partial<AuditEntry>[] = [
      { orgId: '22222222-2222-4222-8222-222222222222' }, { seq: 2 }, { at: '2025-01-01T00:00:02.000Z' },
      { actor: { kind: 'agent', id: 'someone-else' } }, { actor: { kind: 'system', id: 'agent-1' } }, { action: 'recording.download' },
      { target: { type: 'recording', id: 'rec-2' } }, { details: { range: 'bytes=0-2', n: 1 } }, { prevHash: 'f'.repeat(64) },
    ];
    for (const v of variants) expect(auditEntryHash({ ...e!, ...v })).not.toBe(base);
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain and an empty one', () => {
    expect(verify(chain(50))).toMatchObject({ ok: true, checked: 50, lastSeq: 50, brokenAt: null });
    expect(verify([], null)).toMatchObject({ ok: true, checked: 0 });
  });

  it('names the first edited entry', () => {
    const c = chain(10);
    c[4] = { ...c[4]!, details: { range: 'bytes=0-999', n: 5 } };
    expect(verify(c).brokenAt).toMatchObject({ seq: 5, reason: 'hash_mismatch' });
  });

  it('names a re-hashed edit by the broken link that follows it', () => {
    const c = chain(10);
    c[4] = { ...c[4]!, action: 'recording.download' };
    c[4].hash = auditEntryHash(c[4]);
    expect(verify(c).brokenAt).toMatchObject({ seq: 6, reason: 'prev_hash_mismatch' });
  });

  it('names a deleted entry as a gap', () => {
    const c = chain(10);
    c.splice(3, 1);
    expect(verify(c).brokenAt).toMatchObject({ seq: 5, reason: 'seq_gap', expected: '4' });
  });

  it('notices entries cut off the end by comparing with the head', () => {
    const c = chain(10);
    const head = { seq: 10, hash: c[9]!.hash };
    expect(verify(c.slice(0, 8), head).brokenAt).toMatchObject({ seq: 9, reason: 'head_mismatch' });
    expect(verify(c.slice(0, 8), null).brokenAt).toMatchObject({ seq: 1, reason: 'head_mismatch' });
  });

  it('refuses an entry of another organisation', () => {
    const c = chain(3);
    c[1] = { ...c[1]!, orgId: '22222222-2222-4222-8222-222222222222' };
    expect(verify(c).brokenAt).toMatchObject({ seq: 2 });
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideRange, rangeStillApplies } from './http-range.js';
import { RecordingUrls } from './recording-urls.js';
import { TokenSigner } from '../identity/tokens.js';
import { BlobUrls } from '../conversations/blob-urls.js';

describe('decideRange', () => {
  it.each([
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'partial', start: 100, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=999-999', { kind: 'partial', start: 999, end: 999 }],
    ['BYTES = 5-6', { kind: 'partial', start: 5, end: 6 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=1000-2000', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    // Malformed or not ours to honour: the whole file (RFC 9110 lets servers ignore Range).
    ['bytes=5-2', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=a-b', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
    ['bytes=1.5-2', { kind: 'full' }],
    ['bytes=99999999999999999999-', { kind: 'full' }],
  ])('%s of 1000 bytes', (header, expected) => {
    expect(decideRange(header, 1000)).toEqual(expected);
  });

  it('serves the whole file without a header and nothing partial of an empty one', () => {
    expect(decideRange(undefined, 10)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('never answers a range outside the file', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(20_000), fc.option(fc.nat(20_000)), fc.boolean(), (size, a, b, suffix) => {
        const header = suffix ? `bytes=-${a}` : `bytes=${a}-${b ?? ''}`;
        const d = decideRange(header, size);
        if (d.kind === 'partial') {
          expect(d.start).toBeGreaterThanOrEqual(0);
          expect(d.end).toBeLessThan(size);
          expect(d.start).toBeLessThanOrEqual(d.end);
        }
      }),
    );
  });

  it('applies If-Range only with the current ETag', () => {
    expect(rangeStillApplies(undefined, '"abc"')).toBe(true);
    expect(rangeStillApplies('"abc"', '"abc"')).toBe(true);
    expect(rangeStillApplies('"old"', '"abc"')).toBe(false);
    expect(rangeStillApplies('Wed, 21 Oct 2015 07:28:00 GMT', '"abc"')).toBe(false);
  });
});

describe('RecordingUrls', () => {
  const signer = new TokenSigner('x'.repeat(32));
  let now = Date.UTC(2025, 0, 1);
  const urls = new RecordingUrls(signer, () => now);
  const REC = '5f0c7a9e-8a1b-4c2d-9e3f-0a1b2c3d4e5f';
  const parse = (url: string) => {
    const u = new URL(url, 'http://x');
    return { exp: Number(u.searchParams.get('exp')), sig: u.searchParams.get('sig')! };
  };

  it('verifies for the agent, purpose and recording it was minted for, until it expires', () => {
    const { url } = urls.sign('play', REC, 'agent-1');
    const { exp, sig } = parse(url);
    expect(url).toMatch(new RegExp(`^/api/recordings/${REC}/media\\?mode=play&`));
    expect(urls.verify('play', REC, 'agent-1', exp, sig)).toBe(true);
    expect(urls.verify('play', REC, 'agent-2', exp, sig)).toBe(false);
    expect(urls.verify('download', REC, 'agent-1', exp, sig)).toBe(false);
    expect(urls.verify('play', REC.replace('5f', '6f'), 'agent-1', exp, sig)).toBe(false);
    expect(urls.verify('play', REC, 'agent-1', exp + 1, sig)).toBe(false);
    expect(urls.verify('play', REC, 'agent-1', exp, sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A'))).toBe(false);
    now += 16 * 60 * 1000;
    expect(urls.verify('play', REC, 'agent-1', exp, sig)).toBe(false);
  });

  it('cannot be confused with a chat attachment link, either way', () => {
    now = Date.UTC(2025, 0, 1);
    const blobs = new BlobUrls(signer, () => now);
    const b = parse(blobs.sign(REC));
    expect(urls.verify('play', REC, 'agent-1', b.exp, b.sig)).toBe(false);
    const r = parse(urls.sign('play', REC, 'agent-1').url);
    expect(blobs.verify(REC, r.exp, r.sig)).toBe(false);
  });
});

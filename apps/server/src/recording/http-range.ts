/** What to send for a Range header (RFC 9110 §14), for a representation of `size` bytes. */
export type RangeDecision =
  | { kind: 'full' }
  /** Inclusive byte positions, as in Content-Range. */
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const DIGITS = /^\d+$/;

/**
 * One byte range or the whole file. Absent, malformed or multi-range headers get the whole file
 * (servers may ignore Range; players only ever ask for one range), while a well-formed range that
 * lies entirely past the end is unsatisfiable (416).
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return { kind: 'full' };
  const spec = m[1]!.trim();
  if (spec.includes(',')) return { kind: 'full' };
  const dash = spec.indexOf('-');
  if (dash < 0) return { kind: 'full' };
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();
  if (first === '') {
    // Suffix range: the last N bytes.
    if (!DIGITS.test(last)) return { kind: 'full' };
    const n = Number(last);
    if (!Number.isSafeInteger(n)) return { kind: 'full' };
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  if (!DIGITS.test(first) || (last !== '' && !DIGITS.test(last))) return { kind: 'full' };
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/**
 * If-Range with our strong ETag: the range applies only while the file is unchanged. A date or a
 * different tag means "send the whole file".
 */
export function rangeStillApplies(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}

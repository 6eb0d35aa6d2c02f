import { createHash } from 'node:crypto';
import { z } from 'zod';

/** JSON values only: what jsonb stores and gives back unchanged (up to key order). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    // jsonb refuses U+0000 in strings; refusing it here keeps what is hashed equal to what is stored.
    z.string().refine((s) => !s.includes('\u0000'), 'must not contain U+0000'),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every level, no whitespace, numbers
 * and strings as JSON.stringify writes them. jsonb reorders keys and drops insignificant
 * whitespace, so a hash over this form survives the round trip through the database.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    // -0 is stored by jsonb as 0; write it that way so the hash does not depend on the sign.
    return JSON.stringify(Object.is(value, -0) ? 0 : value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot serialize ${typeof value}`);
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** prev_hash of an organisation's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its hash covers. */
export interface AuditHashInput {
  orgId: string;
  seq: number;
  /** ISO 8601 with milliseconds, as Date.toISOString() writes it. */
  at: string;
  actor: { kind: 'agent' | 'visitor' | 'system'; id: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  details: JsonValue;
  prevHash: string;
}

/**
 * SHA-256 over a domain tag and the canonical JSON of the entry. The organisation is covered too
 * (beyond prev/seq/at/actor/action/target/details), so an entry cannot be moved to another
 * organisation's chain unnoticed. Changing this function invalidates every stored chain: a new
 * format needs a new tag and a verifier that knows both.
 */
export function auditEntryHash(e: AuditHashInput): string {
  const body = canonicalJson({
    org: e.orgId,
    seq: e.seq,
    at: e.at,
    actor: { kind: e.actor.kind, id: e.actor.id },
    action: e.action,
    target: { type: e.target.type, id: e.target.id },
    details: e.details,
    prev: e.prevHash,
  });
  return sha256Hex(`visavis.audit.v1\n${body}`);
}

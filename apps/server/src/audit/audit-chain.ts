import { auditEntryHash, GENESIS_HASH, type JsonValue } from './canonical.js';

export type AuditActorKind = 'agent' | 'visitor' | 'system';

/** One stored audit entry, as read back from the database. */
export interface AuditEntry {
  orgId: string;
  seq: number;
  at: string;
  actor: { kind: AuditActorKind; id: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  details: JsonValue;
  prevHash: string;
  hash: string;
}

export type ChainBreakReason =
  /** An entry is missing: seq does not follow the previous one (or the first is not 1). */
  | 'seq_gap'
  /** The entry does not point at the previous entry's hash (an entry was replaced or inserted). */
  | 'prev_hash_mismatch'
  /** The entry's content does not hash to its stored hash (it was edited). */
  | 'hash_mismatch'
  /** The chain's end differs from the recorded head (newest entries cut off, or the head edited). */
  | 'head_mismatch';

export interface ChainBreak {
  seq: number;
  reason: ChainBreakReason;
  expected: string;
  found: string;
}

export interface ChainReport {
  orgId: string;
  ok: boolean;
  /** Entries checked up to the first break (all of them when ok). */
  checked: number;
  lastSeq: number;
  lastHash: string;
  brokenAt: ChainBreak | null;
}

/**
 * Walks one organisation's chain in seq order, entry by entry (so a long chain is checked page by
 * page without holding it in memory), and reports the first broken link.
 */
export class ChainVerifier {
  private lastSeq = 0;
  private lastHash = GENESIS_HASH;
  private checked = 0;
  private broken: ChainBreak | null = null;

  constructor(readonly orgId: string) {}

  /** Checks the next entry; answers false once the chain is broken (later entries are not checked). */
  push(e: AuditEntry): boolean {
    if (this.broken) return false;
    const fail = (reason: ChainBreakReason, expected: string, found: string) => {
      this.broken = { seq: e.seq, reason, expected, found };
      return false;
    };
    if (e.orgId !== this.orgId) return fail('hash_mismatch', this.orgId, e.orgId);
    if (e.seq !== this.lastSeq + 1) return fail('seq_gap', String(this.lastSeq + 1), String(e.seq));
    if (e.prevHash !== this.lastHash) return fail('prev_hash_mismatch', this.lastHash, e.prevHash);
    const recomputed = auditEntryHash({ ...e, prevHash: e.prevHash });
    if (recomputed !== e.hash) return fail('hash_mismatch', recomputed, e.hash);
    this.lastSeq = e.seq;
    this.lastHash = e.hash;
    this.checked++;
    return true;
  }

  /** Compares the end of the chain with the recorded head (null = no head row). */
  finish(head: { seq: number; hash: string } | null): ChainReport {
    if (!this.broken) {
      const h = head ?? { seq: 0, hash: GENESIS_HASH };
      if (h.seq !== this.lastSeq || h.hash !== this.lastHash) {
        this.broken = {
          // The first seq that is not where the head says it should be.
          seq: Math.min(h.seq, this.lastSeq) + 1,
          reason: 'head_mismatch',
          expected: `${h.seq}:${h.hash}`,
          found: `${this.lastSeq}:${this.lastHash}`,
        };
      }
    }
    return {
      orgId: this.orgId,
      ok: this.broken === null,
      checked: this.checked,
      lastSeq: this.lastSeq,
      lastHash: this.lastHash,
      brokenAt: this.broken,
    };
  }
}

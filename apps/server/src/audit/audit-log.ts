import { z } from 'zod';
import type { Clock } from '../ports/clock.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import type { Principal } from '../identity/index.js';
import { ChainVerifier, type AuditActorKind, type AuditEntry, type ChainReport } from './audit-chain.js';
import { auditEntryHash, canonicalJson, GENESIS_HASH, JsonValue } from './canonical.js';

export type AuditActor = { kind: AuditActorKind; id: string | null };

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null };

export function actorOf(p: Principal): AuditActor {
  return p.kind === 'visitor' ? { kind: 'visitor', id: p.visitorId } : { kind: 'agent', id: p.agentId };
}

const AuditInput = z.object({
  orgId: z.string().uuid(),
  actor: z.object({ kind: z.enum(['agent', 'visitor', 'system']), id: z.string().max(128).nullable() }),
  /** Dotted lower-case names: recording.play, evidence.export, retention.purge, ... */
  action: z.string().max(64).regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/),
  target: z.object({ type: z.string().max(64).nullable(), id: z.string().max(128).nullable() }).default({ type: null, id: null }),
  details: JsonValue.default({}),
});
export type AuditInput = z.input<typeof AuditInput>;

interface AuditRow {
  org_id: string;
  seq: number;
  at: string;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: JsonValue;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  orgId: r.org_id,
  seq: Number(r.seq),
  at: new Date(r.at).toISOString(),
  actor: { kind: r.actor_kind, id: r.actor_id },
  action: r.action,
  target: { type: r.target_type, id: r.target_id },
  details: r.details,
  prevHash: r.prev_hash,
  hash: r.hash,
});

const PAGE = 1000;

/**
 * The append-only, hash-chained audit log (docs/compliance.md). Each organisation has its own
 * chain: entry n stores the hash of entry n-1, and its own hash covers its content and that link.
 * Appends lock the organisation's head row, so concurrent writers on any node take turns and the
 * chain never forks; the table refuses UPDATE, DELETE and TRUNCATE.
 */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends an entry. With `tx`, the entry commits or rolls back with the caller's change; make it
   * the caller's last statement, because the head lock is held until that transaction ends.
   */
  async append(input: AuditInput, tx?: SqlExecutor): Promise<AuditEntry> {
    const e = AuditInput.parse(input);
    return tx ? this.write(tx, e) : this.db.transaction((t) => this.write(t, e));
  }

  private async write(tx: SqlExecutor, e: z.output<typeof AuditInput>): Promise<AuditEntry> {
    // Insert-or-lock in one statement: the no-op update takes the row lock and, after waiting for
    // a concurrent appender, answers the head as that appender left it.
    const [head] = await tx.query<{ seq: number; hash: string }>(
      `insert into audit_heads (org_id, seq, hash) values ($1, 0, $2)
       on conflict (org_id) do update set seq = audit_heads.seq returning seq, hash`,
      [e.orgId, GENESIS_HASH],
    );
    const seq = Number(head!.seq) + 1;
    const at = this.clock.now().toISOString();
    // Stored as its canonical text; what jsonb gives back canonicalizes to the same string.
    const details = JSON.parse(canonicalJson(e.details)) as JsonValue;
    const entry: AuditEntry = {
      orgId: e.orgId,
      seq,
      at,
      actor: e.actor,
      action: e.action,
      target: e.target,
      details,
      prevHash: head!.hash,
      hash: '',
    };
    entry.hash = auditEntryHash(entry);
    await tx.query(
      `insert into audit_log (org_id, seq, at, actor_kind, actor_id, action, target_type, target_id, details, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
      [e.orgId, seq, at, e.actor.kind, e.actor.id, e.action, e.target.type, e.target.id, canonicalJson(details), entry.prevHash, entry.hash],
    );
    await tx.query('update audit_heads set seq = $2, hash = $3 where org_id = $1', [e.orgId, seq, entry.hash]);
    return entry;
  }

  async list(orgId: string, opts: { afterSeq?: number; limit?: number; targetType?: string; targetId?: string } = {}): Promise<AuditEntry[]> {
    const rows = await this.db.query<AuditRow>(
      `select * from audit_log where org_id = $1 and seq > $2
         and ($4::text is null or target_type = $4) and ($5::text is null or target_id = $5)
       order by seq limit $3`,
      [orgId, opts.afterSeq ?? 0, Math.min(opts.limit ?? 100, PAGE), opts.targetType ?? null, opts.targetId ?? null],
    );
    return rows.map(toEntry);
  }

  /** Walks the whole chain of an organisation in one consistent snapshot; reports the first broken link. */
  async verify(orgId: string): Promise<ChainReport> {
    return this.db.transaction(async (tx) => {
      // One snapshot for the head and every page, so appends during the walk cannot look like breaks.
      await tx.query('set transaction isolation level repeatable read');
      const [head] = await tx.query<{ seq: number; hash: string }>('select seq, hash from audit_heads where org_id = $1', [orgId]);
      const verifier = new ChainVerifier(orgId);
      let after = 0;
      for (;;) {
        const rows = await tx.query<AuditRow>('select * from audit_log where org_id = $1 and seq > $2 order by seq limit $3', [orgId, after, PAGE]);
        let more = true;
        for (const r of rows) {
          more = verifier.push(toEntry(r));
          if (!more) break;
        }
        if (!more || rows.length < PAGE) break;
        after = Number(rows[rows.length - 1]!.seq);
      }
      return verifier.finish(head ? { seq: Number(head.seq), hash: head.hash } : null);
    });
  }

  /** The newest link of an organisation's chain; evidence packages carry it as an outside anchor. */
  async head(orgId: string, db: SqlExecutor = this.db): Promise<{ seq: number; hash: string }> {
    const [h] = await db.query<{ seq: number; hash: string }>('select seq, hash from audit_heads where org_id = $1', [orgId]);
    return h ? { seq: Number(h.seq), hash: h.hash } : { seq: 0, hash: GENESIS_HASH };
  }
}

import { SYSTEM_ACTOR, type AuditActor, type AuditLog } from '../audit/index.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import { UploadQuota } from './upload-quota.js';
import type { BlobRow } from './blob-meta-store.js';
import { PeriodicJob } from '../platform/jobs/periodic-job.js';
import { emit } from '../platform/events/domain-events.js';
import { OrgStore } from '../identity/index.js';
import { SkillGroupSettingsStore } from '../routing/index.js';

/** Rows per transaction: bounds the audit entry's size and how long row locks are held. */
const BATCH = 200;
const DAY_MS = 86_400_000;
/** A half-written file untouched this long belongs to no live upload (writes touch it constantly). */
const INCOMPLETE_AFTER_MS = 3_600_000;

export interface UploadSweepSettings {
  /** An upload no message refers to after this long is an orphan. */
  orphanAfterMs: number;
  /** Attachment retention when neither the skill group nor the organisation sets one. */
  defaultRetentionDays: number;
}

export interface UploadSweepResult {
  orphans: number;
  expired: number;
}

/**
 * Keeps uploaded files from piling up: removes orphans (uploaded, never sent in a message: file
 * and row; and files left half-written by a killed process) and deletes attachments whose retention ended (file deleted; row kept and marked, the
 * message marked expired, one audit entry per organisation). As in the recordings' retention job,
 * files are deleted inside the transaction that locked their rows (SKIP LOCKED: nodes split the
 * work) and before it commits: a crash in between leaves rows the next run finishes, never files
 * that no row points at.
 */
export class UploadSweeper extends PeriodicJob {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly settings: UploadSweepSettings,
    onError: (e: unknown) => void,
  ) {
    super(onError);
  }

  get defaultRetentionDays(): number {
    return this.settings.defaultRetentionDays;
  }

  start(everyMs = 5 * 60_000): void {
    this.startEvery(everyMs);
  }

  async sweep(): Promise<number> {
    const r = await this.run();
    return r.orphans + r.expired;
  }

  /** One pass over every organisation, or over one (an admin's on-demand run). */
  async run(opts: { actor: AuditActor; orgId: string } | null = null): Promise<UploadSweepResult> {
    const result: UploadSweepResult = { orphans: 0, expired: 0 };
    const orgId = opts?.orgId ?? null;
    for (let n = BATCH; n === BATCH; ) {
      n = await this.removeOrphans(orgId);
      result.orphans += n;
    }
    for (let n = BATCH; n === BATCH; ) {
      n = await this.expire(opts?.actor ?? SYSTEM_ACTOR, orgId);
      result.expired += n;
    }
    if (!opts) {
      await UploadQuota.prune(this.db, this.clock.now());
      // Files a killed process was still writing have no row at all; they count as orphans.
      const quiet = Math.max(this.settings.orphanAfterMs, INCOMPLETE_AFTER_MS);
      result.orphans += await this.blobs.removeIncomplete(new Date(this.clock.now().getTime() - quiet));
    }
    return result;
  }

  private removeOrphans(orgId: string | null): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.settings.orphanAfterMs);
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<BlobRow>(
        `select * from blobs where attached_at is null and created_at <= $1 and ($3::uuid is null or org_id = $3)
         order by created_at limit $2 for update skip locked`,
        [cutoff.toISOString(), BATCH, orgId],
      );
      for (const r of rows) await this.blobs.delete(r.storage_key);
      if (rows.length > 0) await tx.query('delete from blobs where id = any($1::uuid[])', [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  private expire(actor: AuditActor, orgId: string | null): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const rows = await lockDueAttachments(tx, now, this.settings.defaultRetentionDays, orgId);
      for (const r of rows) await this.blobs.delete(r.storage_key);
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      await tx.query(`update blobs set deleted_at = $2, deleted_reason = 'retention' where id = any($1::uuid[])`, [ids, now.toISOString()]);
      // The timeline keeps the message and says the file expired (BlobUrls mints no link for it).
      await tx.query(
        `update conversation_events set payload = jsonb_set(payload, '{attachment,expired}', 'true'::jsonb)
         where conversation_id = any($1::uuid[]) and type = 'message' and payload->'attachment'->>'blobId' = any($2::text[])`,
        [[...new Set(rows.map((r) => r.conversation_id))], ids],
      );
      for (const r of rows) await emit(tx, r.org_id, 'attachment.expired', { conversationId: r.conversation_id, blobId: r.id }, now);
      // Audit last: each append holds its organisation's chain head until this transaction ends.
      for (const org of [...new Set(rows.map((r) => r.org_id))].sort()) {
        const attachments = rows
          .filter((r) => r.org_id === org)
          .map((r) => ({ id: r.id, conversationId: r.conversation_id, size: r.size, sha256: r.sha256, uploadedAt: new Date(r.created_at).toISOString() }));
        await this.audit.append({ orgId: org, actor, action: 'retention.purge', target: { type: 'org', id: org }, details: { attachments } }, tx);
      }
      return rows.length;
    });
  }
}

/**
 * Attachments past retention (skill group's days, else the organisation's, else the default),
 * locked. The groups' and organisations' settings are read first from their owners' stores (few
 * rows: only those that set one) and go into the one locking select as arrays, so the batch is
 * still chosen and locked in a single statement.
 */
async function lockDueAttachments(tx: SqlExecutor, now: Date, defaultDays: number, orgId: string | null): Promise<BlobRow[]> {
  const groups = await SkillGroupSettingsStore.attachmentRetentions(tx, orgId);
  const orgs = await OrgStore.attachmentRetentions(tx, orgId);
  // Only rows older than the shortest retention allowed (1 day) can be due: the index narrows first.
  return tx.query<BlobRow>(
    `select b.* from blobs b
       join conversations c on c.id = b.conversation_id
       left join unnest($5::uuid[], $6::int[]) as g(id, days) on g.id = c.group_id
       left join unnest($7::uuid[], $8::int[]) as o(id, days) on o.id = b.org_id
     where b.attached_at is not null and b.deleted_at is null and b.created_at <= $4
       and ($3::uuid is null or b.org_id = $3)
       and b.created_at + make_interval(days => coalesce(g.days, o.days, $2::int)) <= $1
     order by b.created_at, b.id limit ${BATCH} for update of b skip locked`,
    [
      now.toISOString(), defaultDays, orgId, new Date(now.getTime() - DAY_MS).toISOString(),
      groups.map((g) => g.id), groups.map((g) => g.days), orgs.map((o) => o.id), orgs.map((o) => o.days),
    ],
  );
}

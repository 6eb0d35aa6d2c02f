import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import { SYSTEM_ACTOR, type AuditActor, type AuditLog } from '../audit/index.js';
import { EvidenceStore, RecordingStore } from './recording-store.js';

const DAY_MS = 86_400_000;
/** Rows per transaction: bounds the audit entry's size and how long row locks are held. */
const BATCH = 200;

export interface RetentionResult {
  recordings: number;
  evidencePackages: number;
}

/**
 * Deletes media whose retention ended: recordings and evidence packages. Per batch, in one
 * transaction: lock due rows (SKIP LOCKED, so nodes running the job side by side split the work),
 * delete their blobs, mark the rows deleted, and append one audit entry per organisation naming
 * every file deleted. Blobs go first: a crash before commit leaves rows still "present" whose
 * blobs are gone, which the next run finishes (deleting a missing blob is fine); the reverse
 * order could leave media on disk that no row points at any more.
 */
export class RetentionJob {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<RetentionResult> | null = null;

  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** First run shortly after start (a server down at the daily tick still catches up), then daily. */
  start(firstDelayMs = 60_000, everyMs = DAY_MS): void {
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.run().catch(this.onError).finally(() => tick(everyMs));
      }, delay);
      this.timer.unref();
    };
    tick(firstDelayMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /**
   * Every organisation (the timer), or one: an admin's on-demand run covers only their own
   * organisation, so no other organisation's chain names them. Runs of the timer share one sweep.
   */
  run(opts: { actor: AuditActor; orgId: string } | null = null): Promise<RetentionResult> {
    if (opts) return this.sweep(opts.actor, opts.orgId);
    this.running ??= this.sweep(SYSTEM_ACTOR, null).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweep(actor: AuditActor, orgId: string | null): Promise<RetentionResult> {
    const result: RetentionResult = { recordings: 0, evidencePackages: 0 };
    for (;;) {
      const n = await this.batch(actor, orgId);
      result.recordings += n.recordings;
      result.evidencePackages += n.evidencePackages;
      if (n.recordings < BATCH && n.evidencePackages < BATCH) return result;
    }
  }

  private async batch(actor: AuditActor, orgId: string | null): Promise<RetentionResult> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const recs = await RecordingStore.lockDue(tx, now, BATCH, orgId);
      const packs = await EvidenceStore.lockDue(tx, now, BATCH, orgId);
      for (const r of recs) await this.blobs.delete(r.storage_key);
      for (const p of packs) await this.blobs.delete(p.storage_key);
      await RecordingStore.markDeleted(tx, recs.map((r) => r.id), now, 'retention');
      await EvidenceStore.markDeleted(tx, packs.map((p) => p.id), now, 'retention');
      const orgs = new Set([...recs.map((r) => r.org_id), ...packs.map((p) => p.org_id)]);
      // Audit last: each append holds its organisation's chain head until this transaction ends.
      for (const org of [...orgs].sort()) {
        await this.audit.append(
          {
            orgId: org, actor, action: 'retention.purge', target: { type: 'org', id: org },
            details: {
              recordings: recs.filter((r) => r.org_id === org).map((r) => ({
                id: r.id, callId: r.call_id, kind: r.kind, party: r.party, size: r.size, sha256: r.sha256, retentionUntil: new Date(r.retention_until).toISOString(),
              })),
              evidencePackages: packs.filter((p) => p.org_id === org).map((p) => ({
                id: p.id, callId: p.call_id, size: p.size, sha256: p.sha256, retentionUntil: new Date(p.retention_until).toISOString(),
              })),
            },
          },
          tx,
        );
      }
      return { recordings: recs.length, evidencePackages: packs.length };
    });
  }
}

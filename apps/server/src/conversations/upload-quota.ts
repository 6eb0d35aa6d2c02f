import { AppError } from '../platform/errors.js';
import type { Database, SqlExecutor } from '../ports/database.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface UploadQuotaSettings {
  visitorFilesPerHour: number;
  visitorBytesPerHour: number;
  orgFilesPerDay: number;
  orgBytesPerDay: number;
}

/** The counters one upload was charged to; its bytes are added once the file is stored. */
export interface QuotaReservation {
  windows: { scope: 'uploader' | 'org'; scopeId: string; windowStart: Date }[];
  /** Bytes this upload may still use before a quota is exceeded. */
  bytesLeft: number;
}

/**
 * Upload quotas in fixed windows: files and bytes per visitor and hour, per organisation and
 * (UTC) day. A file is counted when it starts (so parallel uploads cannot all slip under the
 * file count) and its bytes when it is stored; bytes already used bound how large it may be.
 * Agents are staff: only the organisation's quota applies to them.
 */
export class UploadQuota {
  constructor(
    private readonly db: Database,
    private readonly settings: UploadQuotaSettings,
  ) {}

  /** Counts one more file against each quota, or refuses with QUOTA_EXCEEDED and counts nothing. */
  reserve(who: { orgId: string; visitorId: string | null }, now: Date): Promise<QuotaReservation> {
    const s = this.settings;
    const limits = [
      { scope: 'org' as const, scopeId: who.orgId, windowStart: windowStart(now, DAY_MS), files: s.orgFilesPerDay, bytes: s.orgBytesPerDay },
      ...(who.visitorId
        ? [{ scope: 'uploader' as const, scopeId: who.visitorId, windowStart: windowStart(now, HOUR_MS), files: s.visitorFilesPerHour, bytes: s.visitorBytesPerHour }]
        : []),
    ];
    // One transaction: a refusal by the second counter rolls back the first one's increment.
    return this.db.transaction(async (tx) => {
      let bytesLeft = Number.POSITIVE_INFINITY;
      for (const l of limits) {
        const used = await take(tx, l.scope, l.scopeId, l.windowStart, l.files, l.bytes);
        if (used === null) {
          throw new AppError('QUOTA_EXCEEDED', undefined, { scope: l.scope === 'org' ? 'organisation' : 'visitor' });
        }
        bytesLeft = Math.min(bytesLeft, l.bytes - used);
      }
      return { windows: limits.map(({ scope, scopeId, windowStart: w }) => ({ scope, scopeId, windowStart: w })), bytesLeft };
    });
  }

  async addBytes(r: QuotaReservation, bytes: number): Promise<void> {
    for (const w of r.windows) {
      await this.db.query(
        'update upload_usage set bytes = bytes + $4 where scope = $1 and scope_id = $2 and window_start = $3',
        [w.scope, w.scopeId, w.windowStart.toISOString(), bytes],
      );
    }
  }

  /** Counters of windows long over; the upload sweeper calls this. */
  static async prune(db: SqlExecutor, now: Date): Promise<void> {
    await db.query('delete from upload_usage where window_start < $1', [new Date(now.getTime() - 2 * DAY_MS).toISOString()]);
  }
}

function windowStart(now: Date, size: number): Date {
  return new Date(Math.floor(now.getTime() / size) * size);
}

/** Increments the file count unless a limit is reached; answers the bytes used so far, or null when refused. */
async function take(tx: SqlExecutor, scope: string, scopeId: string, start: Date, maxFiles: number, maxBytes: number): Promise<number | null> {
  const rows = await tx.query<{ bytes: string | number }>(
    `insert into upload_usage (scope, scope_id, window_start, uploads, bytes) values ($1, $2, $3, 1, 0)
     on conflict (scope, scope_id, window_start) do update set uploads = upload_usage.uploads + 1
       where upload_usage.uploads < $4 and upload_usage.bytes < $5
     returning bytes`,
    [scope, scopeId, start.toISOString(), maxFiles, maxBytes],
  );
  return rows[0] ? Number(rows[0].bytes) : null;
}

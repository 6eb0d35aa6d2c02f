import type { AuditLog } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import { jobPart, type ModulePlatform } from '../platform/modules.js';
import { AbandonSweeper } from './abandon-sweeper.js';
import { BlobUrls } from './blob-urls.js';
import { batchesFor, ConversationService } from './conversation-service.js';
import { InactivitySweeper } from './inactivity-sweeper.js';
import { UploadQuota } from './upload-quota.js';
import { UploadService } from './upload-service.js';
import { UploadSweeper } from './upload-sweeper.js';

export type ConversationsConfig = Pick<
  Config,
  | 'UPLOAD_VISITOR_FILES_PER_HOUR' | 'UPLOAD_VISITOR_MB_PER_HOUR' | 'UPLOAD_ORG_FILES_PER_DAY' | 'UPLOAD_ORG_MB_PER_DAY'
  | 'UPLOAD_ORPHAN_MINUTES' | 'ATTACHMENT_RETENTION_DAYS' | 'INACTIVITY_MINUTES' | 'ABANDON_SECONDS' | 'LOAD_SHED_TARGET_MS'
>;

/**
 * The conversations module: the timeline and its use cases, uploads with their quotas, and the
 * sweepers (orphaned and expired attachments, inactive conversations, visitors who left the queue).
 */
export function conversationsModule(
  platform: Pick<ModulePlatform, 'db' | 'uow' | 'bus' | 'clock' | 'blobs' | 'signer' | 'reportError' | 'jobs'>,
  config: ConversationsConfig,
  deps: {
    audit: AuditLog;
    /**
     * Visitors with a socket on this node. The WebSocket hub that knows is built after the modules
     * (it serves their services); the abandon sweeper first asks once the server listens.
     */
    connectedVisitorIds: () => string[];
  },
) {
  const { db, clock, blobs, reportError } = platform;
  const conversations = new ConversationService(db, platform.uow, platform.bus, clock, batchesFor(db, config.LOAD_SHED_TARGET_MS * 4));
  const urls = new BlobUrls(platform.signer, () => clock.now().getTime());
  const quota = new UploadQuota(db, {
    visitorFilesPerHour: config.UPLOAD_VISITOR_FILES_PER_HOUR,
    visitorBytesPerHour: config.UPLOAD_VISITOR_MB_PER_HOUR * 1024 * 1024,
    orgFilesPerDay: config.UPLOAD_ORG_FILES_PER_DAY,
    orgBytesPerDay: config.UPLOAD_ORG_MB_PER_DAY * 1024 * 1024,
  });
  const uploads = new UploadService(db, blobs, urls, quota, clock);
  const uploadSweeper = new UploadSweeper(db, blobs, deps.audit, clock, {
    orphanAfterMs: config.UPLOAD_ORPHAN_MINUTES * 60_000,
    defaultRetentionDays: config.ATTACHMENT_RETENTION_DAYS,
  }, (e) => reportError(e, 'upload sweep'));
  const inactivity = new InactivitySweeper(db, clock, conversations, config.INACTIVITY_MINUTES * 60_000, (e) =>
    reportError(e, 'inactivity sweep'),
  );
  const abandon = new AbandonSweeper(db, clock, conversations, deps.connectedVisitorIds, config.ABANDON_SECONDS * 1000, (e) =>
    reportError(e, 'abandon sweep'),
  );

  platform.jobs.add(jobPart('upload sweeper', uploadSweeper));
  platform.jobs.add(jobPart('abandoned queue sweeper', abandon));
  platform.jobs.add(jobPart('inactivity sweeper', inactivity));

  return { conversations, urls, uploads, uploadSweeper };
}

export type ConversationsModule = ReturnType<typeof conversationsModule>;

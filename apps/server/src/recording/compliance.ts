import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import type { EventBus } from '../ports/event-bus.js';
import type { TokenSigner } from '../identity/index.js';
import { AuditLog } from '../audit/index.js';
import { EvidenceService } from './evidence-service.js';
import { loadSigningKey } from './evidence-keys.js';
import { RecordingService } from './recording-service.js';
import { RecordingUrls } from './recording-urls.js';
import { RetentionJob } from './retention-job.js';

export interface ComplianceSettings {
  /** RECORDING_RETENTION_DAYS: for conversations whose skill group sets none. */
  defaultRetentionDays: number;
  /** RECORDING_MAX_MB in bytes: one recording file. */
  recordingMaxBytes: number;
  /** EVIDENCE_KEY_FILE: where the Ed25519 signing key lives; unset = the settings table. */
  evidenceKeyFile: string | undefined;
}

export interface Compliance {
  audit: AuditLog;
  recordings: RecordingService;
  evidence: EvidenceService;
  retention: RetentionJob;
  settings: ComplianceSettings;
}

/** The compliance part of the composition root: one call from server.ts. */
export async function createCompliance(deps: {
  db: Database;
  blobs: BlobStore;
  signer: TokenSigner;
  clock: Clock;
  /** Realtime pushes (recording.ready); absent in store-level tests. */
  bus?: EventBus;
  settings: ComplianceSettings;
  onError: (e: unknown, what: string) => void;
}): Promise<Compliance> {
  const { db, blobs, clock, settings } = deps;
  const audit = new AuditLog(db, clock);
  const urls = new RecordingUrls(deps.signer, () => clock.now().getTime());
  const recordings = new RecordingService(db, blobs, audit, urls, clock, {
    maxBytes: settings.recordingMaxBytes,
    defaultRetentionDays: settings.defaultRetentionDays,
  }, deps.bus ?? null);
  const key = await loadSigningKey(db, settings.evidenceKeyFile);
  const evidence = new EvidenceService(db, blobs, audit, recordings, urls, key, clock, settings.defaultRetentionDays);
  const retention = new RetentionJob(db, blobs, audit, clock, (e) => deps.onError(e, 'retention job'));
  return { audit, recordings, evidence, retention, settings };
}

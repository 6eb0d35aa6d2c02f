import { z } from 'zod';
import { RecordingPolicy } from './call.js';
import { CallMark, RecordingView } from './recording.js';

/**
 * The answers of the recording, evidence, audit and retention endpoints (routes-recordings.ts,
 * routes-recording-policy.ts, routes-client-recording.ts) and of the snapshot upload
 * (routes-snapshots.ts), as zod schemas for tests and the OpenAPI document; browser code imports
 * only the types. POST /api/recordings/:id/url answers a SignedUrl (recording.ts). Not JSON: GET /api/recordings/:id/media (the media, ranges allowed) and
 * GET /api/evidence/:id/download (a tar).
 */

/** GET /api/calls/:id/recordings, GET /api/conversations/:id/recordings */
export const RecordingsAnswer = z.object({ recordings: z.array(RecordingView) });
export type RecordingsAnswer = z.infer<typeof RecordingsAnswer>;

/** GET /api/calls/:id/marks */
export const MarksAnswer = z.object({ marks: z.array(CallMark) });
export type MarksAnswer = z.infer<typeof MarksAnswer>;

/** POST /api/calls/:id/marks */
export const MarkAnswer = z.object({ mark: CallMark });
export type MarkAnswer = z.infer<typeof MarkAnswer>;

/** GET /api/compliance/public-key (public): the key evidence packages are signed with. */
export const CompliancePublicKey = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: z.string(),
  fingerprint: z.string(),
  publicKeyPem: z.string(),
});
export type CompliancePublicKey = z.infer<typeof CompliancePublicKey>;

/** A stored evidence package (its bytes: GET /api/evidence/:id/download). */
export const EvidencePackage = z.object({
  id: z.string(),
  callId: z.string(),
  size: z.number(),
  sha256: z.string(),
  manifestSha256: z.string(),
  keyId: z.string(),
  createdAt: z.string(),
  retentionUntil: z.string(),
});
export type EvidencePackage = z.infer<typeof EvidencePackage>;

/** POST /api/calls/:id/evidence: the stored package and a short-lived link to download it. */
export const EvidenceExport = z.object({ package: EvidencePackage, url: z.string(), expiresAt: z.string() });
export type EvidenceExport = z.infer<typeof EvidenceExport>;

const AuditActorKind = z.enum(['agent', 'visitor', 'system']);

/** One entry of the organisation's hash-chained audit log. */
export const AuditEntry = z.object({
  orgId: z.string(),
  seq: z.number().int(),
  at: z.string(),
  actor: z.object({ kind: AuditActorKind, id: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  details: z.json(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** GET /api/admin/audit?afterSeq=&limit=&targetType=&targetId= */
export const AuditEntriesAnswer = z.object({ entries: z.array(AuditEntry) });
export type AuditEntriesAnswer = z.infer<typeof AuditEntriesAnswer>;

/** Where a chain check found the first broken link, and why. */
export const ChainBreak = z.object({
  seq: z.number().int(),
  reason: z.enum(['seq_gap', 'prev_hash_mismatch', 'hash_mismatch', 'head_mismatch']),
  expected: z.string(),
  found: z.string(),
});
export type ChainBreak = z.infer<typeof ChainBreak>;

/** GET /api/admin/audit/verify (the check is itself audited) */
export const AuditVerifyAnswer = z.object({
  report: z.object({
    orgId: z.string(),
    ok: z.boolean(),
    /** Entries checked up to the first break (all of them when ok). */
    checked: z.number().int(),
    lastSeq: z.number().int(),
    lastHash: z.string(),
    brokenAt: ChainBreak.nullable(),
  }),
});
export type AuditVerifyAnswer = z.infer<typeof AuditVerifyAnswer>;

const RetentionDays = z.number().int().positive();

/** GET /api/admin/recording-retention: per skill group, null = the server default. */
export const RecordingRetention = z.object({
  defaultDays: RetentionDays,
  groups: z.array(z.object({ id: z.string(), name: z.string(), days: RetentionDays.nullable() })),
});
export type RecordingRetention = z.infer<typeof RecordingRetention>;

/** POST /api/admin/retention/run: what one retention pass over the organisation deleted. */
export const RecordingRetentionRunAnswer = z.object({
  result: z.object({ recordings: z.number().int().nonnegative(), evidencePackages: z.number().int().nonnegative() }),
});
export type RecordingRetentionRunAnswer = z.infer<typeof RecordingRetentionRunAnswer>;

/** A skill group's recording policy with its retention, as the admin screen lists them. */
export const GroupRecordingPolicy = RecordingPolicy.extend({
  id: z.string(),
  name: z.string(),
  /** null: the server's default (`defaultRetentionDays`). */
  retentionDays: RetentionDays.nullable(),
});
export type GroupRecordingPolicy = z.infer<typeof GroupRecordingPolicy>;

/** GET /api/admin/recording-policies */
export const RecordingPolicies = z.object({ defaultRetentionDays: RetentionDays, groups: z.array(GroupRecordingPolicy) });
export type RecordingPolicies = z.infer<typeof RecordingPolicies>;

/** PUT /api/admin/skill-groups/:id/recording-policy: the policy now in effect. */
export const RecordingPolicyAnswer = z.object({ policy: RecordingPolicy });
export type RecordingPolicyAnswer = z.infer<typeof RecordingPolicyAnswer>;

/** PUT /api/calls/:id/client-recording/chunks/:seq (201 stored, 200 the same bytes again) */
export const ClientRecordingChunkAnswer = z.object({
  chunk: z.object({
    seq: z.number().int().nonnegative(),
    size: z.number().int().nonnegative(),
    sha256: z.string(),
    /** The same bytes were already stored under this seq (a resend): nothing changed. */
    duplicate: z.boolean(),
  }),
});
export type ClientRecordingChunkAnswer = z.infer<typeof ClientRecordingChunkAnswer>;

/** POST /api/calls/:id/client-recording/finish */
export const ClientRecordingFinishAnswer = z.object({
  /** finished: the recording is catalogued (null when no chunk was ever stored); finishing: another finisher is at it. */
  state: z.enum(['finished', 'finishing']),
  recording: RecordingView.nullable(),
});
export type ClientRecordingFinishAnswer = z.infer<typeof ClientRecordingFinishAnswer>;

/** POST /api/calls/:id/snapshots?requestId= (201): the still, catalogued as a recording. */
export const SnapshotAnswer = z.object({
  snapshot: z.object({
    recordingId: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    size: z.number().int().positive(),
  }),
});
export type SnapshotAnswer = z.infer<typeof SnapshotAnswer>;

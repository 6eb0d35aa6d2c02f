import type { CallMark, RecordingMode, RecordingPolicy, RecordingView, SignedUrl } from '@visavis/protocol';

export type { CallMark, RecordingView, SignedUrl };
import { call } from '../routing/api.js';

/** POST /api/calls/:id/evidence (docs/compliance.md): the stored package and its download link. */
export interface EvidenceExport {
  package: { id: string; callId: string; size: number; sha256: string; createdAt: string };
  url: string;
  expiresAt: string;
}

export interface GroupRecordingPolicy extends RecordingPolicy {
  id: string;
  name: string;
  /** null: the server's default (`defaultRetentionDays`). */
  retentionDays: number | null;
}

export interface RecordingPolicies {
  defaultRetentionDays: number;
  groups: GroupRecordingPolicy[];
}

export type { RecordingMode, RecordingPolicy };

const id = encodeURIComponent;

/** The recording endpoints (docs/compliance.md §7). Same origin; the session cookie travels by itself. */
export const recordingsApi = {
  forConversation: (conversationId: string) =>
    call<{ recordings: RecordingView[] }>('GET', `/api/conversations/${id(conversationId)}/recordings`),
  forCall: (callId: string) =>
    call<{ recordings: RecordingView[] }>('GET', `/api/calls/${id(callId)}/recordings`),
  /** Every call of this returns a fresh link; the server audits each request that fetches bytes. */
  url: (recordingId: string, mode: 'play' | 'download') =>
    call<SignedUrl>('POST', `/api/recordings/${id(recordingId)}/url`, { mode }),
  marks: (callId: string) => call<{ marks: CallMark[] }>('GET', `/api/calls/${id(callId)}/marks`),
  /** Supervisors and admins: builds, signs and stores the package (audited), answers a short-lived link. */
  exportEvidence: (callId: string) =>
    call<EvidenceExport>('POST', `/api/calls/${id(callId)}/evidence`),
  policies: () => call<RecordingPolicies>('GET', '/api/admin/recording-policies'),
  savePolicy: (groupId: string, policy: RecordingPolicy) =>
    call<{ policy: RecordingPolicy }>(
      'PUT',
      `/api/admin/skill-groups/${id(groupId)}/recording-policy`,
      policy,
    ),
  saveRetention: (groupId: string, days: number | null) =>
    call<void>('PUT', `/api/admin/skill-groups/${id(groupId)}/recording-retention`, { days }),
};

import type {
  CallMark,
  EvidenceExport,
  GroupRecordingPolicy,
  MarksAnswer,
  RecordingMode,
  RecordingPolicies,
  RecordingPolicy,
  RecordingPolicyAnswer,
  RecordingsAnswer,
  RecordingView,
  SignedUrl,
} from '@visavis/protocol';
import { call } from '../routing/api.js';

export type { CallMark, EvidenceExport, GroupRecordingPolicy, RecordingMode, RecordingPolicies, RecordingPolicy, RecordingView, SignedUrl };

const id = encodeURIComponent;

/** The recording endpoints (docs/compliance.md §7). Same origin; the session cookie travels by itself. */
export const recordingsApi = {
  forConversation: (conversationId: string) =>
    call<RecordingsAnswer>('GET', `/api/conversations/${id(conversationId)}/recordings`),
  forCall: (callId: string) =>
    call<RecordingsAnswer>('GET', `/api/calls/${id(callId)}/recordings`),
  /** Every call of this returns a fresh link; the server audits each request that fetches bytes. */
  url: (recordingId: string, mode: 'play' | 'download') =>
    call<SignedUrl>('POST', `/api/recordings/${id(recordingId)}/url`, { mode }),
  marks: (callId: string) => call<MarksAnswer>('GET', `/api/calls/${id(callId)}/marks`),
  /** Supervisors and admins: builds, signs and stores the package (audited), answers a short-lived link. */
  exportEvidence: (callId: string) =>
    call<EvidenceExport>('POST', `/api/calls/${id(callId)}/evidence`),
  policies: () => call<RecordingPolicies>('GET', '/api/admin/recording-policies'),
  savePolicy: (groupId: string, policy: RecordingPolicy) =>
    call<RecordingPolicyAnswer>(
      'PUT',
      `/api/admin/skill-groups/${id(groupId)}/recording-policy`,
      policy,
    ),
  saveRetention: (groupId: string, days: number | null) =>
    call<void>('PUT', `/api/admin/skill-groups/${id(groupId)}/recording-retention`, { days }),
};

import type { RecordingMode, RecordingPolicy } from '@visavis/protocol';
import { call } from '../routing/api.js';

/**
 * The recordings catalog as the server answers it (apps/server/src/compliance/recording-service.ts,
 * `RecordingView`; docs/compliance.md). Mirrored here: the workspace must not import the server.
 */
export interface RecordingView {
  id: string;
  callId: string;
  conversationId: string;
  kind: 'composite' | 'participant' | 'client' | 'snapshot';
  party: 'agent' | 'visitor' | null;
  mime: string;
  size: number;
  sha256: string;
  durationMs: number | null;
  startedAt: string | null;
  createdAt: string;
  retentionUntil: string;
  deletedAt: string | null;
  deletedReason: string | null;
}

/** A script mark of a call: `atMs` from the start of the call's recording. */
export interface CallMark {
  id: string;
  atMs: number;
  label: string;
  createdBy: string | null;
  createdAt: string;
}

/** A short-lived signed link to a recording's bytes (15 minutes, bound to this agent's session). */
export interface SignedUrl {
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

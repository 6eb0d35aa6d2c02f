/**
 * The recordings catalog as the HTTP API answers it (docs/compliance.md): the server builds these
 * (compliance/recording-service.ts), the workspace and tests read them.
 */
export type RecordingKind = 'composite' | 'participant' | 'client' | 'snapshot';

export interface RecordingView {
  id: string;
  callId: string;
  conversationId: string;
  kind: RecordingKind;
  /** Whose media; null for a composite. */
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

/** A short-lived signed link to a recording's bytes (bound to the agent it was made for). */
export interface SignedUrl {
  url: string;
  expiresAt: string;
}

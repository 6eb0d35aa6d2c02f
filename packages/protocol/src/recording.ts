import { z } from 'zod';

/**
 * The recordings catalog as the HTTP API answers it (docs/compliance.md): the server builds these
 * (recording/recording-service.ts), the workspace and tests read them. Schemas so the answers that
 * carry them (recording-answers.ts) can be checked in tests and described in an OpenAPI document;
 * browser code imports only the inferred types.
 */
export const RecordingKind = z.enum(['composite', 'participant', 'client', 'snapshot']);
export type RecordingKind = z.infer<typeof RecordingKind>;

export const RecordingView = z.object({
  id: z.string(),
  callId: z.string(),
  conversationId: z.string(),
  kind: RecordingKind,
  /** Whose media; null for a composite. */
  party: z.enum(['agent', 'visitor']).nullable(),
  mime: z.string(),
  size: z.number(),
  sha256: z.string(),
  durationMs: z.number().nullable(),
  startedAt: z.string().nullable(),
  createdAt: z.string(),
  retentionUntil: z.string(),
  deletedAt: z.string().nullable(),
  deletedReason: z.string().nullable(),
});
export type RecordingView = z.infer<typeof RecordingView>;

/** A script mark of a call: `atMs` from the start of the call's recording. */
export const CallMark = z.object({
  id: z.string(),
  atMs: z.number(),
  label: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type CallMark = z.infer<typeof CallMark>;

/** A short-lived signed link to a recording's bytes (bound to the agent it was made for). */
export const SignedUrl = z.object({ url: z.string(), expiresAt: z.string() });
export type SignedUrl = z.infer<typeof SignedUrl>;

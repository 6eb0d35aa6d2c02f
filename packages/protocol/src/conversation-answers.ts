import { z } from 'zod';
import { Attachment, ConversationSummary, SequencedEvent, VisitorProfile } from './model.js';

/**
 * The answers of the conversation, timeline and upload endpoints (routes-api.ts, routes-uploads.ts,
 * routes-attachment-retention.ts), as zod schemas for tests and the OpenAPI document; browser code
 * imports only the types. GET /api/blobs/:id answers the file's bytes, not JSON.
 */

/** GET /api/agent/conversations?scope=, GET /api/visitor/conversations */
export const ConversationsAnswer = z.object({ conversations: z.array(ConversationSummary) });
export type ConversationsAnswer = z.infer<typeof ConversationsAnswer>;

/** GET /api/conversations/:id: the conversation, its visitor and the visitor's other conversations. */
export const ConversationDetails = z.object({
  conversation: ConversationSummary,
  visitor: VisitorProfile,
  pastConversations: z.array(ConversationSummary),
});
export type ConversationDetails = z.infer<typeof ConversationDetails>;

/** GET /api/conversations/:id/events?afterSeq=&limit=: one page of the timeline, oldest first. */
export const EventsAnswer = z.object({ events: z.array(SequencedEvent) });
export type EventsAnswer = z.infer<typeof EventsAnswer>;

/** POST /api/uploads?conversationId=: the stored file, to be sent in a message. */
export const UploadAnswer = z.object({ attachment: Attachment });
export type UploadAnswer = z.infer<typeof UploadAnswer>;

const RetentionDays = z.number().int().positive();

/** GET /api/admin/attachment-retention: null days = inherited (group → organisation → server default). */
export const AttachmentRetention = z.object({
  defaultDays: RetentionDays,
  orgDays: RetentionDays.nullable(),
  groups: z.array(z.object({ id: z.string(), name: z.string(), days: RetentionDays.nullable() })),
});
export type AttachmentRetention = z.infer<typeof AttachmentRetention>;

/** What one clean-up pass over the organisation's attachments removed. */
export const AttachmentSweepResult = z.object({ orphans: z.number().int().nonnegative(), expired: z.number().int().nonnegative() });
export type AttachmentSweepResult = z.infer<typeof AttachmentSweepResult>;

/** POST /api/admin/attachment-retention/run */
export const AttachmentRetentionRunAnswer = z.object({ result: AttachmentSweepResult });
export type AttachmentRetentionRunAnswer = z.infer<typeof AttachmentRetentionRunAnswer>;

import type { SequencedEvent } from '@visavis/protocol';
import type { DomainFact } from '../platform/events/domain-events.js';

/**
 * The domain event each timeline entry is: the timeline is what a reader of the conversation sees
 * (stored with its seq, pushed to the sockets following it), the domain event is the same fact
 * for the listeners of other modules and, later, webhooks and reports. The switch is exhaustive,
 * so a new timeline entry does not compile until it says which fact it is. `visitorId` is only
 * needed (and only known) when the conversation is created.
 */
export function timelineFact(s: SequencedEvent, visitorId?: string): DomainFact {
  const conversationId = s.conversationId;
  const e = s.event;
  switch (e.type) {
    case 'message':
      return {
        type: 'message.sent',
        data: {
          conversationId, seq: s.seq, messageId: e.messageId, author: e.author, kind: e.kind, text: e.text,
          attachment: e.attachment && { blobId: e.attachment.blobId, name: e.attachment.name, mime: e.attachment.mime, size: e.attachment.size },
        },
      };
    case 'receipt':
      return { type: 'receipt.recorded', data: { conversationId, by: e.by, state: e.state, upToSeq: e.upToSeq } };
    case 'conversation.created':
      if (!visitorId) throw new Error('conversation.created needs the visitor it was created for');
      return { type: 'conversation.created', data: { conversationId, visitorId } };
    case 'conversation.queued':
      return { type: 'conversation.queued', data: { conversationId, reason: e.reason } };
    case 'conversation.assigned':
      return { type: 'conversation.assigned', data: { conversationId, agent: e.agent, reason: e.reason } };
    case 'conversation.transferred':
      return { type: 'conversation.transferred', data: { conversationId, from: e.from, to: e.to, note: e.note } };
    case 'conversation.closed':
      return { type: 'conversation.closed', data: { conversationId, by: e.by } };
    case 'csat.submitted':
      return { type: 'csat.submitted', data: { conversationId, score: e.score, comment: e.comment } };
    case 'call.ringing':
      return {
        type: 'call.started',
        data: {
          conversationId, callId: e.callId, media: e.media, by: e.by, profile: e.profile,
          ...(e.recording ? { recording: e.recording } : {}),
        },
      };
    case 'call.answered':
      return { type: 'call.answered', data: { conversationId, callId: e.callId, by: e.by } };
    case 'call.ended':
      return { type: 'call.ended', data: { conversationId, callId: e.callId, by: e.by, reason: e.reason, durationMs: e.durationMs } };
    case 'call.recording':
      return { type: 'call.recording_changed', data: { conversationId, callId: e.callId, state: e.state } };
    case 'call.snapshot':
      return {
        type: 'snapshot.taken',
        data: { conversationId, callId: e.callId, recordingId: e.recordingId, width: e.width, height: e.height },
      };
  }
}

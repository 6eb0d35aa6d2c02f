import type { ClientMessage } from '@visavis/protocol';
import { AppError } from '../errors.js';
import type { ConversationService, BlobUrls } from '../../conversations/index.js';
import type { PresenceService, OfferService, TransferService } from '../../routing/index.js';
import type { CallService, CallMedia, SnapshotService } from '../../calls/index.js';
import type { ClientConnection, Hub } from './hub.js';

export interface HandlerDeps {
  hub: Hub;
  conversations: ConversationService;
  presence: PresenceService;
  urls: BlobUrls;
  offers: OfferService;
  transfers: TransferService;
  calls: CallService;
  /** Null when no media server is available on this node. */
  callMedia: CallMedia | null;
  snapshots: SnapshotService;
}

function media(d: HandlerDeps): CallMedia {
  if (!d.callMedia) throw new AppError('MEDIA_UNAVAILABLE');
  return d.callMedia;
}

/** One authenticated command -> its result (sent back as `ack.result`). Errors are thrown. */
export async function handleCommand(d: HandlerDeps, c: ClientConnection, msg: ClientMessage): Promise<unknown> {
  const p = c.principal;
  switch (msg.type) {
    case 'auth':
      throw new AppError('BAD_REQUEST', 'Already authenticated.');
    case 'ping':
      return undefined;
    case 'conversation.subscribe':
      await d.hub.subscribe(c, msg.conversationId, msg.afterSeq);
      return undefined;
    case 'conversation.unsubscribe':
      d.hub.unsubscribe(c, msg.conversationId);
      return undefined;
    case 'conversation.start': {
      const conversation = await d.conversations.start(p, {
        pageUrl: msg.pageUrl, language: msg.language, entryPoint: msg.entryPoint,
        designatedAgentId: msg.designatedAgentId, channel: msg.channel, media: msg.media,
      });
      return { conversation };
    }
    case 'message.send': {
      const event = await d.conversations.sendMessage(p, msg);
      return { event: d.urls.present(event) };
    }
    case 'typing.set':
      await d.conversations.setTyping(p, msg.conversationId, msg.typing);
      return undefined;
    case 'receipt.mark':
      await d.conversations.markReceipt(p, msg.conversationId, msg.state, msg.upToSeq);
      return undefined;
    case 'conversation.close':
      await d.conversations.close(p, msg.conversationId);
      return undefined;
    case 'csat.submit':
      await d.conversations.submitCsat(p, msg.conversationId, msg.score, msg.comment);
      return undefined;
    case 'presence.set':
      if (p.kind !== 'agent') throw new AppError('FORBIDDEN');
      return { agent: await d.presence.set(p, msg.presence) };
    case 'offer.accept':
      if (p.kind !== 'agent') throw new AppError('FORBIDDEN');
      return d.offers.accept(p, msg.offerId);
    case 'offer.decline':
      if (p.kind !== 'agent') throw new AppError('FORBIDDEN');
      await d.offers.decline(p, msg.offerId);
      return undefined;
    case 'call.start':
      return { call: await d.calls.start(p, msg) };
    case 'call.accept':
      // Through this node's call media when there is one: the call becomes live here on answer.
      return { join: await (d.callMedia ?? d.calls).accept(p, msg.callId, { acknowledgeRecording: msg.acknowledgeRecording }) };
    case 'call.decline':
      await d.calls.decline(p, msg.callId);
      return undefined;
    case 'call.hangup':
      await d.calls.hangup(p, msg.callId);
      return undefined;
    case 'call.publish':
      return media(d).publish(p, msg.callId, msg.jsep, msg.audio, msg.video);
    case 'call.subscribe':
      return media(d).subscribe(p, msg.callId);
    case 'call.subscribe_answer':
      await media(d).subscribeAnswer(p, msg.callId, msg.jsep);
      return undefined;
    case 'call.trickle':
      await media(d).trickle(p, msg.callId, msg.leg, msg.candidate);
      return undefined;
    case 'call.configure':
      await media(d).configure(p, msg.callId, msg.audio, msg.video);
      return undefined;
    case 'call.snapshot_request':
      return d.snapshots.request(p, msg.callId);
    case 'call.stats':
      await media(d).stats(p, msg.callId, msg.stats);
      return undefined;
    case 'conversation.transfer':
      if (p.kind !== 'agent') throw new AppError('FORBIDDEN');
      await d.transfers.transfer(p, msg);
      return undefined;
  }
}

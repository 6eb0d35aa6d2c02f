import {
  MediaServerError,
  type IceCandidate,
  type Jsep,
  type LayerChoice,
  type MediaFeedId,
  type MediaLegCloseReason,
  type MediaLegEvent,
  type MediaRoomId,
  type PublisherLeg,
  type PublishSettings,
  type SubscriberLeg,
} from '../../ports/media-server.js';
import { Listeners } from './listeners.js';
import type { JanusHandle } from './session.js';
import { configurePublisherRequest, parseNotice, pauseRequest, startRequest, switchLayerRequest } from './videoroom.js';
import type { HandleEvent } from './wire.js';

/**
 * A leg is one VideoRoom handle (one PeerConnection). It turns the handle's events into the
 * port's MediaLegEvent and guarantees `closed` is emitted exactly once, last.
 */
abstract class JanusLeg {
  private readonly listeners: Listeners<MediaLegEvent>;
  private closeReason: MediaLegCloseReason | null = null;

  constructor(
    protected readonly handle: JanusHandle,
    readonly roomId: MediaRoomId,
    private readonly onClosed: (leg: JanusLeg) => void,
    onError?: (e: unknown) => void,
  ) {
    this.listeners = new Listeners(onError, { holdUntilListened: true });
    handle.onEvent((e) => this.fromHandle(e));
  }

  get closed(): boolean {
    return this.closeReason !== null;
  }

  on(listener: (event: MediaLegEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  async trickle(candidate: IceCandidate | null): Promise<void> {
    this.assertOpen('trickle');
    await this.handle.trickle(candidate);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.finish('closed');
    // Detaching ends the PeerConnection and makes Janus leave the room for this participant.
    await this.handle.detach();
  }

  /** @internal the node closes legs when it is lost or their room is destroyed */
  finish(reason: MediaLegCloseReason): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    this.onClosed(this);
    this.listeners.emit({ type: 'closed', reason });
    this.listeners.clear();
    if (reason !== 'closed') void this.handle.detach().catch(() => {});
  }

  protected emit(event: MediaLegEvent): void {
    if (!this.closed) this.listeners.emit(event);
  }

  protected assertOpen(what: string): void {
    if (this.closed) throw new MediaServerError('closed', `${what}: the leg is closed (${this.closeReason})`);
  }

  /** Plugin notices specific to the leg's role. */
  protected abstract onNotice(data: Record<string, unknown>): void;

  private fromHandle(e: HandleEvent): void {
    switch (e.kind) {
      case 'webrtcup':
        return this.emit({ type: 'webrtcup' });
      case 'media':
        return this.emit({
          type: 'media',
          kind: e.type,
          receiving: e.receiving,
          ...(e.mid ? { mid: e.mid } : {}),
        });
      case 'slowlink':
        return this.emit({
          type: 'slowlink',
          uplink: e.uplink,
          lost: e.lost,
          ...(e.mid ? { mid: e.mid } : {}),
        });
      case 'trickle':
        return this.emit({ type: 'candidate', candidate: e.candidate });
      case 'hangup':
        return this.emit({ type: 'hangup', reason: e.reason });
      case 'detached':
        return this.finish(this.handle.sessionLost ? 'node_lost' : 'closed');
      case 'plugin':
        if (parseNotice(e.data)?.kind === 'room_destroyed') return this.finish('room_destroyed');
        return this.onNotice(e.data);
    }
  }
}

export class JanusPublisherLeg extends JanusLeg implements PublisherLeg {
  constructor(
    handle: JanusHandle,
    roomId: MediaRoomId,
    readonly feedId: MediaFeedId,
    onClosed: (leg: JanusLeg) => void,
    onError?: (e: unknown) => void,
  ) {
    super(handle, roomId, onClosed, onError);
  }

  async configure(settings: PublishSettings): Promise<{ answer: Jsep | null }> {
    this.assertOpen('configure');
    if (settings.offer && settings.offer.type !== 'offer') {
      throw new MediaServerError('rejected', 'configure: a publisher sends an offer, not an answer');
    }
    const { jsep } = await this.handle.message(
      configurePublisherRequest(settings),
      settings.offer ? { jsep: settings.offer } : {},
    );
    if (settings.offer && jsep?.type !== 'answer') {
      throw new MediaServerError('protocol', 'configure: Janus accepted the offer but sent no answer');
    }
    return { answer: jsep };
  }

  protected onNotice(): void {
    // Other participants joining or leaving are reported to the publisher's handle; the call
    // service learns about feeds through its own signalling, so nothing is surfaced here yet.
  }
}

export class JanusSubscriberLeg extends JanusLeg implements SubscriberLeg {
  constructor(
    handle: JanusHandle,
    roomId: MediaRoomId,
    readonly feedId: MediaFeedId,
    readonly offer: Jsep,
    private readonly videoMids: string[],
    onClosed: (leg: JanusLeg) => void,
    onError?: (e: unknown) => void,
  ) {
    super(handle, roomId, onClosed, onError);
  }

  async start(answer: Jsep): Promise<void> {
    this.assertOpen('start');
    if (answer.type !== 'answer')
      throw new MediaServerError('rejected', 'start: a subscriber sends an answer');
    await this.handle.message(startRequest(), { jsep: answer });
  }

  async switchLayer(choice: LayerChoice): Promise<void> {
    this.assertOpen('switch layer');
    await this.handle.message(switchLayerRequest(choice, this.videoMids));
  }

  async pause(): Promise<void> {
    this.assertOpen('pause');
    await this.handle.message(pauseRequest());
  }

  /** `start` without a JSEP resumes a paused subscription on the same PeerConnection. */
  async resume(): Promise<void> {
    this.assertOpen('resume');
    await this.handle.message(startRequest());
  }

  protected onNotice(data: Record<string, unknown>): void {
    const notice = parseNotice(data);
    if (notice?.kind === 'feed_gone' && (notice.feedId === '' || notice.feedId === this.feedId)) {
      this.emit({ type: 'feed_gone', feedId: this.feedId });
    }
  }
}

export type AnyJanusLeg = JanusLeg;

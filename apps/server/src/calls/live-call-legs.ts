import type { PublisherLeg, SubscriberLeg } from '../ports/media-server.js';
import type { Party } from './call-store.js';
import { initialLayerState, type LayerState } from './layer-policy.js';

/** One party's media on this node: what it publishes, what it receives, and how that goes. */
export interface PartyLegs {
  publisher?: PublisherLeg;
  subscriber?: SubscriberLeg;
  /** The subscriber's simulcast layer as `layer-policy.ts` last chose it. */
  layer: LayerState;
  /** Ends the call if the party does not publish again in time after its media dropped. */
  grace?: ReturnType<typeof setTimeout>;
  /**
   * The publisher's feed once its media flows (the media node's `webrtcup`): the other party may
   * subscribe to it from then on, not before (the node refuses a feed that is not up).
   */
  feedUp?: string;
  /** Published, but the other party hears of the feed only once recording runs (recording required). */
  feedHeld?: boolean;
  /** What the party sends (mute / camera off), so silence is not mistaken for a recording stall. */
  sending: { audio: boolean; video: boolean };
}

const PARTIES = ['visitor', 'agent'] as const;

/**
 * Both parties' legs of one call, as far as this node holds them (a party whose socket is on
 * another node has its legs there). Owned by the call's `LiveCall`, which hangs them up with it.
 */
export class CallLegs {
  private readonly byParty = new Map<Party, PartyLegs>();

  of(party: Party): PartyLegs | undefined {
    return this.byParty.get(party);
  }

  /** The party's legs, made empty the first time the party publishes or subscribes here. */
  ensure(party: Party): PartyLegs {
    let legs = this.byParty.get(party);
    if (!legs) {
      legs = { layer: initialLayerState(), sending: { audio: true, video: true } };
      this.byParty.set(party, legs);
    }
    return legs;
  }

  /** Whether anyone on this node sends media now (a call where all muted stops growing without a stall). */
  anySending(): boolean {
    return PARTIES.some((p) => {
      const s = this.byParty.get(p)?.sending;
      return s ? s.audio || s.video : false;
    });
  }

  /** Open PeerConnections on the media node, for this call on this node. */
  count(): number {
    let n = 0;
    for (const l of this.byParty.values()) n += (l.publisher ? 1 : 0) + (l.subscriber ? 1 : 0);
    return n;
  }

  /** Stops every grace timer and hangs up every leg on the media node; leaves nothing behind. */
  async hangUp(): Promise<void> {
    const legs = [...this.byParty.values()];
    this.byParty.clear();
    for (const l of legs) clearTimeout(l.grace);
    // A leg that cannot be closed (node gone) is gone with its node: nothing more to free.
    await Promise.allSettled(legs.flatMap((l) => [l.publisher?.close(), l.subscriber?.close()]));
  }
}

import type { CallLegKind, IceCandidate, Jsep, CallStatsReport } from '@visavis/protocol';
import { CALL_PROFILES } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import type { MediaLegEvent, MediaRecording, MediaRecordingEvent, PublisherLeg, SubscriberLeg } from '../ports/media-server.js';
import { MediaServerError } from '../ports/media-server.js';
import { readableConversation } from '../conversations/index.js';
import type { MediaServerPool } from './media-pool.js';
import type { Principal } from '../identity/index.js';
import { recordingRequired, type CallService } from './call-service.js';
import { CallStore, type CallRow, type Party } from './call-store.js';
import { initialLayerState, nextLayer, type LayerState } from './layer-policy.js';
import { LiveCall, LiveCalls } from './live-call.js';
import type { CallServerMessage } from '@visavis/protocol';

interface PartyLegs {
  publisher?: PublisherLeg;
  subscriber?: SubscriberLeg;
  layer: LayerState;
  /** Ends the call if the party does not publish again in time after its media dropped. */
  grace?: ReturnType<typeof setTimeout>;
  /** Published, but the other party hears of the feed only once recording runs (recording required). */
  feedHeld?: boolean;
  /** What the party sends (mute / camera off), so silence is not mistaken for a recording stall. */
  sending: { audio: boolean; video: boolean };
}

export interface CallRecordingOptions {
  /** The media server's recording: confirmed running, never started, stalled (its events). */
  recorder: MediaRecording;
  /** Figures worth logging: the recording start delay. */
  onInfo?: (what: string, details: Record<string, unknown>) => void;
}

const other = (p: Party): Party => (p === 'visitor' ? 'agent' : 'visitor');

/**
 * The media side of live calls, for the parties whose sockets are on this server node: it relays
 * SDP and ICE candidates between the browser and the media node that holds the call's room, and
 * picks each subscriber's simulcast layer from the stats the browser reports. Legs live in this
 * process (a media session belongs to one connection), feeds are recorded in the database so the
 * other party can subscribe from any node.
 */
export class CallMedia {
  private readonly legs = new Map<string, PartyLegs>();
  /** Calls live on this node: signalling is served from them, not from the database. */
  readonly liveCalls = new LiveCalls();
  /** Recorded calls' recording: confirmed, never started, stalled (null: not recorded here). */
  readonly recorder: MediaRecording | null;
  private readonly stopListening: () => void;

  constructor(
    private readonly db: Database,
    private readonly pool: MediaServerPool,
    private readonly calls: CallService,
    private readonly graceMs = 15_000,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly recording: CallRecordingOptions | null = null,
  ) {
    this.recorder = recording?.recorder ?? null;
    this.stopListening = this.recorder?.on((e) => void this.onRecordingEvent(e).catch(this.onError)) ?? (() => {});
  }

  async publish(p: Principal, callId: string, offer: Jsep, audio: boolean, video: boolean): Promise<{ answer: Jsep | null }> {
    const { call, party } = await this.live(p, callId);
    const legs = this.partyLegs(call.id, party);
    clearTimeout(legs.grace);
    // Publishing again (a new PeerConnection after a network change) replaces the old leg.
    await legs.publisher?.close().catch(() => undefined);
    const node = this.nodeOf(call);
    const leg = await this.media(() => node.publish(call.media_room!, { displayName: party }));
    legs.publisher = leg;
    leg.on((e) => this.onPublisherEvent(call, party, leg, e));
    legs.sending = { audio, video };
    const { answer } = await this.media(() =>
      leg.configure({
        offer, audio, video: video && call.media === 'video', bitrate: CALL_PROFILES[call.profile].maxBitrate,
        // Files named by party and time: a party publishing again (network change) adds a segment.
        ...(call.recording_dir ? { record: true, recordingName: `${party}-${Date.now()}` } : {}),
      }),
    );
    await CallStore.update(this.db, call.id, party === 'visitor' ? { visitor_feed: leg.feedId } : { agent_feed: leg.feedId });
    // The other party hears of the feed on `webrtcup` (onPublisherEvent): the media node refuses
    // to subscribe to a publisher whose PeerConnection is not up yet (`feed_not_found`).
    return { answer };
  }

  /** Subscribes to the other party's feed; the ack carries the media node's offer. */
  async subscribe(p: Principal, callId: string): Promise<{ offer: Jsep }> {
    // Fresh from the database: the other party's feed may have been published on another node.
    const { call, party } = await this.load(p, callId);
    const feed = party === 'visitor' ? call.agent_feed : call.visitor_feed;
    if (!feed) throw new AppError('MEDIA_UNAVAILABLE', 'The other side is not sending yet.');
    if (recordingRequired(call.recording_policy) && call.recording_state !== 'running') {
      throw new AppError('RECORDING_UNAVAILABLE', 'The call connects once its recording runs.');
    }
    const legs = this.partyLegs(call.id, party);
    await legs.subscriber?.close().catch(() => undefined);
    const leg = await this.media(() => this.nodeOf(call).subscribe(call.media_room!, feed));
    legs.subscriber = leg;
    legs.layer = initialLayerState();
    leg.on((e) => {
      if (e.type === 'candidate') this.notify(call, party, { type: 'call.candidate', callId: call.id, leg: 'subscribe', candidate: e.candidate });
      if (e.type === 'feed_gone') this.notify(call, party, { type: 'call.feed', callId: call.id, available: false });
    });
    return { offer: leg.offer };
  }

  async subscribeAnswer(p: Principal, callId: string, answer: Jsep): Promise<void> {
    const { call, party } = await this.live(p, callId);
    const leg = this.legs.get(key(call.id, party))?.subscriber;
    if (!leg) throw new AppError('NOT_FOUND', 'Subscribe first.');
    await this.media(() => leg.start(answer));
  }

  async trickle(p: Principal, callId: string, kind: CallLegKind, candidate: IceCandidate): Promise<void> {
    const { call, party } = await this.live(p, callId);
    const legs = this.legs.get(key(call.id, party));
    const leg = kind === 'publish' ? legs?.publisher : legs?.subscriber;
    if (!leg) throw new AppError('NOT_FOUND', 'No such media leg.');
    await this.media(() => leg.trickle(candidate));
  }

  /** Mute / camera off: applied on the media node, and shown to the other party. */
  async configure(p: Principal, callId: string, audio: boolean | undefined, video: boolean | undefined): Promise<void> {
    const { call, party } = await this.live(p, callId);
    const legs = this.legs.get(key(call.id, party));
    const leg = legs?.publisher;
    if (leg) await this.media(() => leg.configure({ ...(audio === undefined ? {} : { audio }), ...(video === undefined ? {} : { video }) }));
    if (legs) {
      legs.sending = { audio: audio ?? legs.sending.audio, video: video ?? legs.sending.video };
      this.recorder?.setSending(call.id, this.anySending(call.id));
    }
    await this.push(call, other(party), { type: 'call.peer', callId: call.id, audio: audio ?? true, video: video ?? true });
  }

  /** Receive stats from a subscriber: pick its layer and tell both sides how the line is. */
  async stats(p: Principal, callId: string, stats: CallStatsReport): Promise<void> {
    const { call, party } = await this.live(p, callId);
    const legs = this.legs.get(key(call.id, party));
    if (!legs?.subscriber) return;
    const before = legs.layer.layer;
    const { state, quality } = nextLayer(legs.layer, stats);
    legs.layer = state;
    if (state.layer !== before && call.media === 'video') {
      await this.media(() => legs.subscriber!.switchLayer({ substream: state.layer, temporal: 2 }));
    }
    await this.push(call, party, { type: 'call.quality', callId: call.id, quality, layer: state.layer });
  }

  /** Frees this node's legs of an ended call (the room itself is destroyed by CallService). */
  async release(callId: string): Promise<void> {
    this.liveCalls.drop(callId);
    this.recorder?.stop(callId);
    for (const party of ['visitor', 'agent'] as const) {
      const legs = this.legs.get(key(callId, party));
      if (!legs) continue;
      clearTimeout(legs.grace);
      this.legs.delete(key(callId, party));
      await Promise.allSettled([legs.publisher?.close(), legs.subscriber?.close()]);
    }
  }

  openLegs(): number {
    let n = 0;
    for (const l of this.legs.values()) n += (l.publisher ? 1 : 0) + (l.subscriber ? 1 : 0);
    return n;
  }

  private onPublisherEvent(call: CallRow, party: Party, leg: PublisherLeg, e: MediaLegEvent): void {
    const legs = this.legs.get(key(call.id, party));
    if (e.type === 'candidate') {
      this.notify(call, party, { type: 'call.candidate', callId: call.id, leg: 'publish', candidate: e.candidate });
      return;
    }
    if (e.type === 'webrtcup' && legs?.publisher === leg) {
      void this.feedUp(call, party, legs).catch(this.onError);
      return;
    }
    if (e.type === 'closed' && e.reason === 'node_lost') {
      void this.calls.endBySystem(call.id, 'media_failed').catch(this.onError);
      return;
    }
    if (e.type !== 'hangup' || !legs || legs.publisher !== leg) return;
    // The party's media dropped (tab closed, network gone). Wait for them to publish again —
    // possibly through another server node — before ending the call.
    this.notify(call, other(party), { type: 'call.feed', callId: call.id, available: false });
    clearTimeout(legs.grace);
    legs.grace = setTimeout(() => void this.endIfStillGone(call.id, party, leg.feedId).catch(this.onError), this.graceMs);
    legs.grace.unref();
  }

  /** A publisher's media flows: tell the other party, unless the call must wait for its recording. */
  private async feedUp(call: CallRow, party: Party, legs: PartyLegs): Promise<void> {
    if (call.recording_dir) this.recorder?.start(call.id, call.recording_dir);
    if (recordingRequired(call.recording_policy)) {
      const now = await CallStore.byId(this.db, call.id);
      if (now?.recording_state !== 'running') {
        legs.feedHeld = true;
        return;
      }
    }
    legs.feedHeld = false;
    await this.push(call, other(party), { type: 'call.feed', callId: call.id, available: true });
  }

  /** Stops watching every recorded call of this node (shutdown). */
  dispose(): void {
    this.stopListening();
    this.recorder?.stopAll();
  }

  private onRecordingEvent(e: MediaRecordingEvent): Promise<void> {
    if (e.type === 'running') return this.onRecordingRunning(e.callId, e);
    if (e.type === 'stalled') return this.onRecordingStalled(e.callId);
    return this.onRecordingNotStarted(e.callId);
  }

  private async onRecordingRunning(callId: string, info: { startDelayMs: number; resumed: boolean }): Promise<void> {
    this.recording?.onInfo?.(info.resumed ? 'recording resumed' : 'recording running', { callId, startDelayMs: info.startDelayMs });
    const call = await CallStore.byId(this.db, callId);
    if (!call || call.status !== 'active') return;
    await this.calls.recordingChanged(callId, 'running', false);
    for (const party of ['visitor', 'agent'] as const) {
      const legs = this.legs.get(key(callId, party));
      if (legs?.feedHeld) {
        legs.feedHeld = false;
        await this.push(call, other(party), { type: 'call.feed', callId, available: true });
      }
      if (info.resumed && legs?.subscriber && recordingRequired(call.recording_policy)) await legs.subscriber.resume().catch(this.onError);
    }
  }

  private async onRecordingNotStarted(callId: string): Promise<void> {
    const call = await CallStore.byId(this.db, callId);
    if (!call || call.status !== 'active') return;
    this.recording?.onInfo?.('recording did not start', { callId });
    if (recordingRequired(call.recording_policy)) await this.calls.endBySystem(callId, 'recording_failed');
    else await this.calls.recordingChanged(callId, 'failed', false);
  }

  /** Recording stopped mid-call: a call that must be recorded is paused until it resumes. */
  private async onRecordingStalled(callId: string): Promise<void> {
    const call = await CallStore.byId(this.db, callId);
    if (!call || call.status !== 'active') return;
    const pause = recordingRequired(call.recording_policy);
    this.recording?.onInfo?.('recording stalled', { callId, paused: pause });
    if (pause) {
      for (const party of ['visitor', 'agent'] as const) await this.legs.get(key(callId, party))?.subscriber?.pause().catch(this.onError);
    }
    await this.calls.recordingChanged(callId, 'failed', pause);
  }

  private anySending(callId: string): boolean {
    return (['visitor', 'agent'] as const).some((p) => {
      const s = this.legs.get(key(callId, p))?.sending;
      return s ? s.audio || s.video : false;
    });
  }

  private async endIfStillGone(callId: string, party: Party, feedId: string): Promise<void> {
    const call = await CallStore.byId(this.db, callId);
    if (!call || call.status !== 'active') return;
    const current = party === 'visitor' ? call.visitor_feed : call.agent_feed;
    if (current !== feedId) return; // published again meanwhile
    await this.calls.endBySystem(callId, 'peer_lost');
  }

  /** The call as this node holds it live; the database only the first time (or after a hand-over). */
  private async live(p: Principal, callId: string): Promise<{ call: CallRow; party: Party }> {
    const held = this.liveCalls.get(callId);
    const party = held?.partyOf(p);
    if (held && party) return { call: held.call, party };
    return this.load(p, callId);
  }

  /** Reads the call and checks the principal against its conversation; holds the result as live. */
  private async load(p: Principal, callId: string): Promise<{ call: CallRow; party: Party }> {
    const call = await CallStore.byId(this.db, callId);
    if (!call) throw new AppError('NOT_FOUND', 'No such call.');
    const c = await readableConversation(this.db, p, call.conversation_id);
    if (p.kind === 'agent' && c.agent_id !== p.agentId) throw new AppError('FORBIDDEN', 'Only the assigned agent takes part in the call.');
    if (call.status !== 'active' || !call.media_node || !call.media_room) throw new AppError('CALL_NOT_RINGING', 'The call is not live.');
    this.liveCalls.add(new LiveCall(call, { visitorId: c.visitor_id, agentId: c.agent_id }));
    return { call, party: p.kind };
  }

  /** A push from a media event (nobody awaits it): a failure is reported, never left unhandled. */
  private notify(call: CallRow, to: Party, message: CallServerMessage): void {
    this.push(call, to, message).catch(this.onError);
  }

  /** A push to one party, addressed from the live call when this node holds it (no lookup). */
  private push(call: CallRow, to: Party, message: CallServerMessage): Promise<void> {
    return this.calls.push(call, to, message, this.liveCalls.get(call.id)?.parties);
  }

  private partyLegs(callId: string, party: Party): PartyLegs {
    let legs = this.legs.get(key(callId, party));
    if (!legs) {
      legs = { layer: initialLayerState(), sending: { audio: true, video: true } };
      this.legs.set(key(callId, party), legs);
    }
    return legs;
  }

  private nodeOf(call: CallRow) {
    const node = this.pool.node(call.media_node!);
    if (!node || node.state !== 'up') throw new AppError('MEDIA_UNAVAILABLE', 'The media server of this call is not reachable.');
    return node;
  }

  /** Media errors become catalog errors at this boundary. */
  private async media<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof MediaServerError) {
        throw new AppError(e.code === 'rejected' ? 'VALIDATION_FAILED' : 'MEDIA_UNAVAILABLE', `Media server: ${e.message}`);
      }
      throw e;
    }
  }
}

const key = (callId: string, party: Party) => `${callId}:${party}`;

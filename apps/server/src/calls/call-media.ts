import type { CallJoinInfo, CallLegKind, CallPublishResult, CallServerMessage, CallStatsReport, IceCandidate, Jsep } from '@visavis/protocol';
import { CALL_PROFILES } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import type { MediaLegEvent, MediaRecording, MediaRecordingEvent, PublisherLeg } from '../ports/media-server.js';
import { MediaServerError } from '../ports/media-server.js';
import { readableConversation } from '../conversations/index.js';
import type { MediaServerPool } from './media-pool.js';
import type { Principal } from '../identity/index.js';
import { recordingRequired, type CallService } from './call-service.js';
import { CallStore, type CallRow, type Party } from './call-store.js';
import { initialLayerState, nextLayer } from './layer-policy.js';
import { LiveCalls, type LiveCall } from './live-call.js';
import type { PartyLegs } from './live-call-legs.js';

export interface CallRecordingOptions {
  /** The media server's recording: confirmed running, never started, stalled (its events). */
  recorder: MediaRecording;
  /** Figures worth logging: the recording start delay. */
  onInfo?: (what: string, details: Record<string, unknown>) => void;
}

const other = (p: Party): Party => (p === 'visitor' ? 'agent' : 'visitor');

/** The other party's feed as the call row has it (published on another node, perhaps not up yet). */
function feedInRow(call: CallRow, recordingRequired: boolean, party: Party): string | null {
  const feed = party === 'visitor' ? call.agent_feed : call.visitor_feed;
  if (feed && recordingRequired && call.recording_state !== 'running') {
    throw new AppError('RECORDING_UNAVAILABLE', 'The call connects once its recording runs.');
  }
  return feed;
}
const PARTIES = ['visitor', 'agent'] as const;

/**
 * The media side of live calls, for the parties whose sockets are on this server node: it relays
 * SDP and ICE candidates between the browser and the media node that holds the call's room, and
 * picks each subscriber's simulcast layer from the stats the browser reports. The state of each
 * call (parties, policy, legs, recording as seen here) is its `LiveCall`; this class is the
 * behaviour over it. Legs live in this process (a media session belongs to one connection),
 * feeds are recorded in the database so the other party can subscribe from any node.
 */
export class CallMedia {
  /** Calls live on this node: signalling is served from them, not from the database. */
  readonly liveCalls: LiveCalls;
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
    this.liveCalls = new LiveCalls(this.recorder);
    this.stopListening = this.recorder?.on((e) => void this.onRecordingEvent(e).catch(this.onError)) ?? (() => {});
  }

  /**
   * The called party answers on this node (its socket is here): the call becomes live here at
   * once, so the signalling that follows finds it. The answer itself is `CallService`'s.
   */
  async accept(p: Principal, callId: string, opts: { acknowledgeRecording?: boolean | undefined } = {}): Promise<CallJoinInfo> {
    const join = await this.calls.accept(p, callId, opts);
    // Ended or handed over meanwhile: the answer stands, the next request finds out (as before).
    await this.load(p, callId).catch((e: unknown) => {
      if (!(e instanceof AppError)) this.onError(e);
    });
    return join;
  }

  async publish(p: Principal, callId: string, offer: Jsep, audio: boolean, video: boolean): Promise<CallPublishResult> {
    const { live, party } = await this.live(p, callId);
    const legs = live.legs.ensure(party);
    clearTimeout(legs.grace);
    // Publishing again (a new PeerConnection after a network change) replaces the old leg.
    legs.feedUp = undefined;
    await legs.publisher?.close().catch(() => undefined);
    const node = this.nodeOf(live);
    const leg = await this.media(() => node.publish(live.policy.mediaRoom, { displayName: party }));
    legs.publisher = leg;
    leg.on((e) => this.onPublisherEvent(live, party, leg, e));
    legs.sending = { audio, video };
    const { policy } = live;
    // The feed is written for the other party's node while the media node answers, not before it.
    const [{ answer }, , peerFeed] = await Promise.all([
      this.media(() =>
        leg.configure({
          offer, audio, video: video && policy.media === 'video', bitrate: CALL_PROFILES[policy.profile].maxBitrate,
          // Files named by party and time: a party publishing again (network change) adds a segment.
          ...(policy.recordingDir ? { record: true, recordingName: `${party}-${Date.now()}` } : {}),
        }),
      ),
      CallStore.update(this.db, live.id, party === 'visitor' ? { visitor_feed: leg.feedId } : { agent_feed: leg.feedId }),
      this.peerFeed(live, party),
    ]);
    // The other party hears of this feed on `webrtcup` (onPublisherEvent): the media node refuses
    // to subscribe to a publisher whose PeerConnection is not up yet (`feed_not_found`).
    return { answer, peerFeed };
  }

  /**
   * Subscribes to the other party's feed once it is up; the ack carries the media node's offer.
   * Refused before (MEDIA_UNAVAILABLE, RECORDING_UNAVAILABLE) without asking the media node.
   */
  async subscribe(p: Principal, callId: string): Promise<{ offer: Jsep }> {
    let { live, party } = await this.live(p, callId);
    let feed = this.feedHere(live, party);
    if (feed === undefined) {
      // The other party publishes on another node (or not yet): the row, fresh, has its feed.
      ({ live, party } = await this.load(p, callId));
      feed = feedInRow(live.call, live.policy.recordingRequired, party);
    }
    if (!feed) throw new AppError('MEDIA_UNAVAILABLE', 'The other side is not sending yet.');
    const legs = live.legs.ensure(party);
    await legs.subscriber?.close().catch(() => undefined);
    const leg = await this.media(() => this.nodeOf(live).subscribe(live.policy.mediaRoom, feed));
    legs.subscriber = leg;
    legs.layer = initialLayerState();
    leg.on((e) => {
      if (e.type === 'candidate') this.notify(live, party, { type: 'call.candidate', callId, leg: 'subscribe', candidate: e.candidate });
      if (e.type === 'feed_gone') this.notify(live, party, { type: 'call.feed', callId, available: false });
    });
    return { offer: leg.offer };
  }

  /**
   * The other party's feed as this node holds it: its id once up, null while it is not (or its
   * recording must run first: RECORDING_UNAVAILABLE), undefined when it is not published here.
   */
  private feedHere(live: LiveCall, party: Party): string | null | undefined {
    const theirs = live.legs.of(other(party));
    if (!theirs?.publisher) return undefined;
    const recordingFirst = theirs.feedHeld || (live.policy.recordingRequired && live.recording !== 'running');
    if (theirs.feedUp && recordingFirst) throw new AppError('RECORDING_UNAVAILABLE', 'The call connects once its recording runs.');
    return theirs.feedUp ?? null;
  }

  /** For the publish answer: the other party's feed when it may be subscribed to now, else null. */
  private async peerFeed(live: LiveCall, party: Party): Promise<string | null> {
    try {
      const here = this.feedHere(live, party);
      if (here !== undefined) return here;
      const call = await CallStore.byId(this.db, live.id);
      return call ? feedInRow(call, live.policy.recordingRequired, party) : null;
    } catch (e) {
      if (e instanceof AppError) return null; // held for the recording: the call.feed push follows
      throw e;
    }
  }

  async subscribeAnswer(p: Principal, callId: string, answer: Jsep): Promise<void> {
    const { live, party } = await this.live(p, callId);
    const leg = live.legs.of(party)?.subscriber;
    if (!leg) throw new AppError('NOT_FOUND', 'Subscribe first.');
    await this.media(() => leg.start(answer));
  }

  async trickle(p: Principal, callId: string, kind: CallLegKind, candidate: IceCandidate): Promise<void> {
    const found = await this.liveUnlessEnded(p, callId);
    if (!found) return;
    const { live, party } = found;
    const legs = live.legs.of(party);
    const leg = kind === 'publish' ? legs?.publisher : legs?.subscriber;
    if (!leg) throw new AppError('NOT_FOUND', 'No such media leg.');
    await this.media(() => leg.trickle(candidate));
  }

  /** Mute / camera off: applied on the media node, and shown to the other party. */
  async configure(p: Principal, callId: string, audio: boolean | undefined, video: boolean | undefined): Promise<void> {
    const { live, party } = await this.live(p, callId);
    const leg = live.legs.of(party)?.publisher;
    if (leg) await this.media(() => leg.configure({ ...(audio === undefined ? {} : { audio }), ...(video === undefined ? {} : { video }) }));
    live.setSending(party, audio, video);
    await this.push(live, other(party), { type: 'call.peer', callId, audio: audio ?? true, video: video ?? true });
  }

  /** Receive stats from a subscriber: pick its layer and tell both sides how the line is. */
  async stats(p: Principal, callId: string, stats: CallStatsReport): Promise<void> {
    const found = await this.liveUnlessEnded(p, callId);
    if (!found) return;
    const { live, party } = found;
    const legs = live.legs.of(party);
    const subscriber = legs?.subscriber;
    if (!legs || !subscriber) return;
    const before = legs.layer.layer;
    const { state, quality } = nextLayer(legs.layer, stats);
    legs.layer = state;
    if (state.layer !== before && live.policy.media === 'video') {
      await this.media(() => subscriber.switchLayer({ substream: state.layer, temporal: 2 }));
    }
    await this.push(live, party, { type: 'call.quality', callId, quality, layer: state.layer });
  }

  /** The call ended: its live call closes here, legs and all (the room is destroyed by CallService). */
  release(callId: string): Promise<void> {
    return this.liveCalls.close(callId);
  }

  /**
   * A media node was lost: the calls in its rooms close here. Their legs were closed by the node
   * already (`node_lost`, which ends the call from the publisher's side, onPublisherEvent).
   */
  nodeLost(nodeId: string): Promise<void> {
    return this.liveCalls.closeOnNode(nodeId);
  }

  openLegs(): number {
    return this.liveCalls.openLegs();
  }

  /** Shutdown: stops listening to the recording and closes every call live on this node. */
  async dispose(): Promise<void> {
    this.stopListening();
    await this.liveCalls.closeAll();
    this.recorder?.stopAll();
  }

  private onPublisherEvent(live: LiveCall, party: Party, leg: PublisherLeg, e: MediaLegEvent): void {
    const legs = live.closed ? undefined : live.legs.of(party);
    if (e.type === 'candidate') {
      this.notify(live, party, { type: 'call.candidate', callId: live.id, leg: 'publish', candidate: e.candidate });
      return;
    }
    if (e.type === 'webrtcup' && legs?.publisher === leg) {
      void this.feedUp(live, party, legs).catch(this.onError);
      return;
    }
    if (e.type === 'closed' && e.reason === 'node_lost') {
      void this.calls.endBySystem(live.id, 'media_failed').catch(this.onError);
      return;
    }
    if (e.type !== 'hangup' || !legs || legs.publisher !== leg) return;
    // The party's media dropped (tab closed, network gone). Wait for them to publish again —
    // possibly through another server node — before ending the call.
    legs.feedUp = undefined;
    this.notify(live, other(party), { type: 'call.feed', callId: live.id, available: false });
    clearTimeout(legs.grace);
    legs.grace = setTimeout(() => void this.endIfStillGone(live.id, party, leg.feedId).catch(this.onError), this.graceMs);
    legs.grace.unref();
  }

  /** A publisher's media flows: tell the other party, unless the call must wait for its recording. */
  private async feedUp(live: LiveCall, party: Party, legs: PartyLegs): Promise<void> {
    const feedId = legs.publisher!.feedId;
    legs.feedUp = feedId;
    // Held from this moment when the call must be recorded first: no subscription slips in meanwhile.
    legs.feedHeld = live.policy.recordingRequired && live.recording !== 'running';
    live.startRecording();
    if (legs.feedHeld) {
      // Running as another node saw it is running in the database too.
      const now = await CallStore.byId(this.db, live.id);
      // Released meanwhile by the recording's own event (which told the other party), or still held.
      if (!legs.feedHeld || now?.recording_state !== 'running') return;
      legs.feedHeld = false;
    }
    await this.push(live, other(party), { type: 'call.feed', callId: live.id, available: true, feedId });
  }

  private onRecordingEvent(e: MediaRecordingEvent): Promise<void> {
    if (e.type === 'running') return this.onRecordingRunning(e.callId, e);
    if (e.type === 'stalled') return this.onRecordingStalled(e.callId);
    return this.onRecordingNotStarted(e.callId);
  }

  /**
   * The call as the database has it now, if it is still active. Recording events are rare and
   * decide whether the call goes on, so they check the row rather than the live call's copy.
   */
  private async activeCall(callId: string) {
    const call = await CallStore.byId(this.db, callId);
    return call?.status === 'active' ? call : null;
  }

  private async onRecordingRunning(callId: string, info: { startDelayMs: number; resumed: boolean }): Promise<void> {
    this.recording?.onInfo?.(info.resumed ? 'recording resumed' : 'recording running', { callId, startDelayMs: info.startDelayMs });
    if (!(await this.activeCall(callId))) return;
    await this.calls.recordingChanged(callId, 'running', false);
    const live = this.liveCalls.get(callId);
    if (!live) return;
    live.recordingIs('running');
    for (const party of PARTIES) {
      const legs = live.legs.of(party);
      if (legs?.feedHeld) {
        legs.feedHeld = false;
        await this.push(live, other(party), { type: 'call.feed', callId, available: true, ...(legs.feedUp ? { feedId: legs.feedUp } : {}) });
      }
      if (info.resumed && legs?.subscriber && live.policy.recordingRequired) await legs.subscriber.resume().catch(this.onError);
    }
  }

  private async onRecordingNotStarted(callId: string): Promise<void> {
    this.liveCalls.get(callId)?.recordingIs('stopped');
    const call = await this.activeCall(callId);
    if (!call) return;
    this.recording?.onInfo?.('recording did not start', { callId });
    if (recordingRequired(call.recording_policy)) await this.calls.endBySystem(callId, 'recording_failed');
    else await this.calls.recordingChanged(callId, 'failed', false);
  }

  /** Recording stopped mid-call: a call that must be recorded is paused until it resumes. */
  private async onRecordingStalled(callId: string): Promise<void> {
    const live = this.liveCalls.get(callId);
    live?.recordingIs('stalled');
    const call = await this.activeCall(callId);
    if (!call) return;
    const pause = recordingRequired(call.recording_policy);
    this.recording?.onInfo?.('recording stalled', { callId, paused: pause });
    if (pause && live) {
      for (const party of PARTIES) await live.legs.of(party)?.subscriber?.pause().catch(this.onError);
    }
    await this.calls.recordingChanged(callId, 'failed', pause);
  }

  private async endIfStillGone(callId: string, party: Party, feedId: string): Promise<void> {
    const call = await this.activeCall(callId);
    if (!call) return;
    const current = party === 'visitor' ? call.visitor_feed : call.agent_feed;
    if (current !== feedId) return; // published again meanwhile
    await this.calls.endBySystem(callId, 'peer_lost');
  }

  /** The call as this node holds it live; the database only the first time (or after a hand-over). */
  private async live(p: Principal, callId: string): Promise<{ live: LiveCall; party: Party }> {
    const held = this.liveCalls.get(callId);
    const party = held?.partyOf(p);
    if (held && party) return { live: held, party };
    return this.load(p, callId);
  }

  /**
   * As live(), but null for a call of this principal that has ended: its browser's last ICE
   * candidates and stats cross the hang-up on the way, and are accepted and ignored.
   */
  private async liveUnlessEnded(p: Principal, callId: string): Promise<{ live: LiveCall; party: Party } | null> {
    try {
      return await this.live(p, callId);
    } catch (e) {
      if (e instanceof AppError && e.code === 'CALL_NOT_RINGING') return null;
      throw e;
    }
  }

  /** Reads the call and checks the principal against its conversation; holds the result as live. */
  private async load(p: Principal, callId: string): Promise<{ live: LiveCall; party: Party }> {
    const call = await CallStore.byId(this.db, callId);
    if (!call) throw new AppError('NOT_FOUND', 'No such call.');
    const c = await readableConversation(this.db, p, call.conversation_id);
    if (p.kind === 'agent' && c.agent_id !== p.agentId) throw new AppError('FORBIDDEN', 'Only the assigned agent takes part in the call.');
    if (call.status !== 'active' || !call.media_node || !call.media_room) throw new AppError('CALL_NOT_RINGING', 'The call is not live.');
    return { live: this.liveCalls.hold(call, { visitorId: c.visitor_id, agentId: c.agent_id }), party: p.kind };
  }

  /** A push from a media event (nobody awaits it): a failure is reported, never left unhandled. */
  private notify(live: LiveCall, to: Party, message: CallServerMessage): void {
    this.push(live, to, message).catch(this.onError);
  }

  /** A push to one party, addressed from the live call's parties (looked up after a hand-over). */
  private push(live: LiveCall, to: Party, message: CallServerMessage): Promise<void> {
    return this.calls.push(live.call, to, message, live.parties ?? undefined);
  }

  private nodeOf(live: LiveCall) {
    const node = this.pool.node(live.policy.mediaNode);
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

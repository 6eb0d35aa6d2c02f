import type { CallJoinInfo, CallLegKind, CallPublishResult, IceCandidate, Jsep, NetworkQuality, ServerMessage } from '@visavis/protocol';
import type { Connection } from './connection.js';
import { Emitter } from './emitter.js';
import { profileConstraints, receiveStats, simulcastEncodings, sortCodecs, type StatsSample } from './call-media.js';

export type CallPhase = 'joining' | 'connected' | 'reconnecting' | 'ended';

export type CallEvents = {
  phase: CallPhase;
  /** The local camera/microphone stream (for the self-view). */
  local: MediaStream;
  /** The other party's stream (attach to a <video>). */
  remote: MediaStream;
  /** The other party muted/unmuted or turned the camera off/on. */
  peer: { audio: boolean; video: boolean };
  /** How this side receives the other (from the server's layer choice). */
  quality: { quality: NetworkQuality; layer: number };
  error: Error;
};

export interface CallSessionOptions {
  /** Facing mode to start with on phones. */
  facingMode?: 'user' | 'environment';
  /** How often receive stats are reported to the server (ms). */
  statsIntervalMs?: number;
  /** The RTCPeerConnection constructor (tests may pass their own). */
  peerConnection?: typeof RTCPeerConnection;
}

/**
 * One party's media in a live call, in the browser. Publishes the camera and microphone (with
 * echo cancellation, noise suppression and auto gain as the server asks, simulcast for video),
 * subscribes to the other party's feed when the server says it is there, relays ICE candidates
 * over the authenticated WebSocket, and reports receive stats so the server can pick a simulcast
 * layer. A failed connection is published again (ICE restart by renegotiation) without ending
 * the call.
 */
export class CallSession extends Emitter<CallEvents> {
  private pub: RTCPeerConnection | null = null;
  private sub: RTCPeerConnection | null = null;
  private localStream: MediaStream | null = null;
  private readonly remoteStream = new MediaStream();
  private readonly off: (() => void)[] = [];
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private lastStats: StatsSample | null = null;
  /** The subscription under way, and whether another was asked for meanwhile (see subscribe()). */
  private subscribing: Promise<void> | null = null;
  private subscribeAgain = false;
  /**
   * The other party's feed this side receives or is subscribing to. The server names it twice
   * when it comes up while this side publishes (the publish answer and the call.feed push): one
   * subscription per feed.
   */
  private subscribedFeed: string | null = null;
  /** The subscriber's PeerConnection, made while the publisher's connects (used by the first subscription). */
  private spareSub: RTCPeerConnection | null = null;
  /**
   * The media node's candidates that came before their leg's remote description (they travel
   * beside the answer or offer, and often overtake it): added once it is set, not dropped.
   */
  private readonly earlyCandidates: Record<CallLegKind, (IceCandidate | null)[]> = { publish: [], subscribe: [] };
  /** Each leg's PeerConnection once it has the media node's description (it takes candidates then). */
  private readonly described: Record<CallLegKind, RTCPeerConnection | null> = { publish: null, subscribe: null };
  private ended = false;
  /** Hanging up: nothing more is sent for this call (late trickles or stats would be refused). */
  private closing = false;
  /** Legs whose PeerConnection is disconnected or failed (the call shows "reconnecting"). */
  private readonly legDown = new Set<'publish' | 'subscribe'>();
  private audioOn = true;
  private videoOn = true;
  private facing: 'user' | 'environment';

  constructor(
    private readonly conn: Connection,
    readonly info: CallJoinInfo,
    private readonly opts: CallSessionOptions = {},
  ) {
    super();
    this.facing = opts.facingMode ?? 'user';
    this.off.push(conn.on('message', (m) => this.onServer(m)));
  }

  get callId(): string {
    return this.info.callId;
  }

  async start(): Promise<void> {
    this.emit('phase', 'joining');
    this.localStream = await navigator.mediaDevices.getUserMedia(profileConstraints(this.info, this.facing));
    this.emit('local', this.localStream);
    this.spareSub = this.newPeer('subscribe');
    const peerFeed = await this.publish();
    // The other side's feed was up already: subscribe now (once; a call.feed push may have started it).
    // Otherwise the call.feed push says when it is.
    if (peerFeed) await this.subscribeTo(peerFeed).catch((e: unknown) => this.emit('error', e as Error));
    this.statsTimer = setInterval(() => void this.reportStats(), this.opts.statsIntervalMs ?? 3000);
  }

  /** Mute or unmute the microphone; the other side is told. */
  async setAudio(on: boolean): Promise<void> {
    this.audioOn = on;
    for (const t of this.localStream?.getAudioTracks() ?? []) t.enabled = on;
    await this.conn.request({ type: 'call.configure', callId: this.callId, audio: on, video: this.videoOn }).catch(() => undefined);
  }

  async setVideo(on: boolean): Promise<void> {
    this.videoOn = on;
    for (const t of this.localStream?.getVideoTracks() ?? []) t.enabled = on;
    await this.conn.request({ type: 'call.configure', callId: this.callId, audio: this.audioOn, video: on }).catch(() => undefined);
  }

  /** Front/back camera on phones: replaces the video track without renegotiating. */
  async switchCamera(): Promise<void> {
    if (!this.localStream || this.info.media !== 'video') return;
    this.facing = this.facing === 'user' ? 'environment' : 'user';
    const fresh = await navigator.mediaDevices.getUserMedia({ video: profileConstraints(this.info, this.facing).video });
    const track = fresh.getVideoTracks()[0];
    if (!track) return;
    track.enabled = this.videoOn;
    for (const s of this.pub?.getSenders() ?? []) if (s.track?.kind === 'video') await s.replaceTrack(track);
    for (const old of this.localStream.getVideoTracks()) {
      old.stop();
      this.localStream.removeTrack(old);
    }
    this.localStream.addTrack(track);
    this.emit('local', this.localStream);
  }

  /** What the camera is sending now: the largest simulcast layer's frame size and rate, or null. */
  async sending(): Promise<{ width: number; height: number; fps: number | null } | null> {
    if (!this.pub || this.ended) return null;
    let best: { width: number; height: number; fps: number | null } | null = null;
    (await this.pub.getStats()).forEach((raw: unknown) => {
      const s = raw as { type: string; kind?: string; frameWidth?: number; frameHeight?: number; framesPerSecond?: number };
      if (s.type !== 'outbound-rtp' || s.kind !== 'video' || !s.frameWidth || !s.frameHeight) return;
      if (!best || s.frameWidth * s.frameHeight > best.width * best.height) {
        best = { width: s.frameWidth, height: s.frameHeight, fps: s.framesPerSecond ?? null };
      }
    });
    return best;
  }

  async hangup(): Promise<void> {
    this.closing = true;
    await this.conn.request({ type: 'call.hangup', callId: this.callId }).catch(() => undefined);
    this.close();
  }

  /** Stops media locally (the call ended, by whoever). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.statsTimer);
    for (const f of this.off) f();
    this.pub?.close();
    this.sub?.close();
    this.spareSub?.close();
    for (const t of this.localStream?.getTracks() ?? []) t.stop();
    this.emit('phase', 'ended');
  }

  private newPeer(kind: 'publish' | 'subscribe'): RTCPeerConnection {
    const PC = this.opts.peerConnection ?? RTCPeerConnection;
    const pc = new PC({ iceServers: this.info.iceServers, bundlePolicy: 'max-bundle' });
    pc.onicecandidate = (e) => {
      if (this.ended || this.closing) return;
      const candidate: IceCandidate = e.candidate ? { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } : null;
      void this.conn.request({ type: 'call.trickle', callId: this.callId, leg: kind, candidate }).catch(() => undefined);
    };
    pc.onconnectionstatechange = () => {
      // A replaced PeerConnection (re-publish, re-subscribe) no longer speaks for its leg.
      if (this.ended || (kind === 'publish' ? this.pub : this.sub) !== pc) return;
      const state = pc.connectionState;
      if (state === 'connected') {
        this.legDown.delete(kind);
        if (this.legDown.size === 0) this.emit('phase', 'connected');
      } else if (state === 'disconnected') {
        // No packets for a few seconds: ICE may still recover by itself; show it meanwhile.
        this.legDown.add(kind);
        this.emit('phase', 'reconnecting');
      } else if (state === 'failed') {
        // Network changed or dropped: set up this leg again; the call itself goes on.
        this.legDown.add(kind);
        this.emit('phase', 'reconnecting');
        void (kind === 'publish' ? this.publish() : this.subscribe()).catch((e: unknown) => this.emit('error', e as Error));
      }
    };
    return pc;
  }

  /** Publishes the camera; answers the other party's feed when it is up already (else null). */
  private async publish(): Promise<string | null> {
    this.pub?.close();
    const pc = this.newPeer('publish');
    this.pub = pc;
    this.described.publish = null;
    this.earlyCandidates.publish = [];
    for (const track of this.localStream!.getTracks()) {
      if (track.kind === 'video') {
        if ('contentHint' in track) track.contentHint = 'motion';
        const t = pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: simulcastEncodings(this.info) });
        sortCodecs(t, this.info.videoCodecs);
      } else {
        pc.addTransceiver(track, { direction: 'sendonly' });
      }
    }
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const { answer, peerFeed } = await this.conn.request<CallPublishResult>({
      type: 'call.publish', callId: this.callId, jsep: { type: 'offer', sdp: offer.sdp ?? '' },
      audio: this.audioOn, video: this.videoOn && this.info.media === 'video',
    });
    if (answer) {
      await pc.setRemoteDescription(answer);
      this.addEarlyCandidates('publish', pc);
    }
    return peerFeed ?? null;
  }

  /** Subscribes to `feed` unless this side already receives it or is subscribing to it. */
  private subscribeTo(feed: string): Promise<void> {
    if (feed === this.subscribedFeed) return this.subscribing ?? Promise.resolve();
    this.subscribedFeed = feed;
    return this.subscribe();
  }

  private addEarlyCandidates(kind: CallLegKind, pc: RTCPeerConnection): void {
    this.described[kind] = pc;
    for (const c of this.earlyCandidates[kind].splice(0)) void pc.addIceCandidate(c ?? undefined).catch(() => undefined);
  }

  /**
   * One subscription at a time. Two in flight let the server replace its leg under the first (whose
   * answer then reaches the second leg), and closing a PeerConnection during its
   * setRemoteDescription leaves that promise pending for ever (start() never finished). A request
   * while one runs is done once more after it: the feed may have been published again.
   */
  private subscribe(): Promise<void> {
    if (this.subscribing) {
      this.subscribeAgain = true;
      return this.subscribing;
    }
    this.subscribing = (async () => {
      let failure: unknown = null;
      try {
        do {
          this.subscribeAgain = false;
          failure = null;
          await this.subscribeOnce().catch((e: unknown) => (failure = e));
        } while (this.subscribeAgain && !this.ended);
      } finally {
        this.subscribing = null;
      }
      if (failure) throw failure;
    })();
    return this.subscribing;
  }

  private async subscribeOnce(): Promise<void> {
    this.described.subscribe = null;
    this.earlyCandidates.subscribe = [];
    const { offer } = await this.conn.request<{ offer: Jsep }>({ type: 'call.subscribe', callId: this.callId });
    this.sub?.close();
    const pc = this.spareSub ?? this.newPeer('subscribe');
    this.spareSub = null;
    this.sub = pc;
    pc.ontrack = (e) => {
      for (const old of this.remoteStream.getTracks().filter((t) => t.kind === e.track.kind)) this.remoteStream.removeTrack(old);
      this.remoteStream.addTrack(e.track);
      this.emit('remote', this.remoteStream);
    };
    await pc.setRemoteDescription(offer);
    this.addEarlyCandidates('subscribe', pc);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.conn.request({ type: 'call.subscribe_answer', callId: this.callId, jsep: { type: 'answer', sdp: answer.sdp ?? '' } });
  }

  private onServer(m: ServerMessage): void {
    if (this.ended || !('callId' in m) || m.callId !== this.callId) return;
    if (m.type === 'call.candidate') {
      // Before its description the leg cannot take it (the subscriber's PeerConnection may not even
      // be made yet): kept until it can.
      const pc = this.described[m.leg];
      if (!pc) this.earlyCandidates[m.leg].push(m.candidate);
      else void pc.addIceCandidate(m.candidate ?? undefined).catch(() => undefined);
    } else if (m.type === 'call.feed' && m.available) {
      // Without a feed id (an older server) every push is a new subscription, as before.
      const subscription = m.feedId ? this.subscribeTo(m.feedId) : this.subscribe();
      void subscription.catch((e: unknown) => this.emit('error', e as Error));
    } else if (m.type === 'call.feed') {
      this.subscribedFeed = null;
    } else if (m.type === 'call.peer') {
      this.emit('peer', { audio: m.audio, video: m.video });
    } else if (m.type === 'call.quality') {
      this.emit('quality', { quality: m.quality, layer: m.layer });
    }
  }

  private async reportStats(): Promise<void> {
    if (!this.sub || this.ended || this.closing) return;
    const sample = receiveStats(await this.sub.getStats(), this.lastStats);
    this.lastStats = sample.sample;
    await this.conn.request({ type: 'call.stats', callId: this.callId, stats: sample.report }).catch(() => undefined);
  }
}

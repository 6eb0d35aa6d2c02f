// CallSession's signalling without a browser: a fake Connection answers its requests, a fake
// RTCPeerConnection behaves as browsers do where it matters here (a candidate before the remote
// description is refused), and getUserMedia gives an empty stream.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallJoinInfo, ClientMessage, ServerMessage } from '@visavis/protocol';
import { CallSession } from './call.js';
import type { Connection } from './connection.js';

class FakeStream {
  private readonly tracks: unknown[] = [];
  getTracks = () => this.tracks;
  getVideoTracks = () => [];
  getAudioTracks = () => [];
  addTrack = (t: unknown) => this.tracks.push(t);
  removeTrack = () => undefined;
}

const peers: FakePeer[] = [];
class FakePeer {
  remoteDescription: RTCSessionDescriptionInit | null = null;
  added: (RTCIceCandidateInit | undefined)[] = [];
  onicecandidate: ((e: { candidate: RTCIceCandidateInit | null }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  ontrack: unknown = null;
  constructor() {
    peers.push(this);
  }
  addTransceiver = () => ({});
  createOffer = async () => ({ type: 'offer', sdp: 'v=0 offer' });
  createAnswer = async () => ({ type: 'answer', sdp: 'v=0 answer' });
  setLocalDescription = async () => undefined;
  setRemoteDescription = async (d: RTCSessionDescriptionInit) => {
    this.remoteDescription = d;
  };
  addIceCandidate = async (c?: RTCIceCandidateInit) => {
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
    this.added.push(c);
  };
  getSenders = () => [];
  getStats = async () => new Map();
  close = () => undefined;
}

type Request = ClientMessage & { callId?: string };

/** A Connection that records requests; `answer` decides each one's result (a promise the test may hold). */
function fakeConnection(answer: (cmd: Request) => Promise<unknown>) {
  const listeners: ((m: ServerMessage) => void)[] = [];
  const sent: Request[] = [];
  const conn = {
    on: (_type: 'message', cb: (m: ServerMessage) => void) => (listeners.push(cb), () => undefined),
    request: (cmd: Request) => (sent.push(cmd), answer(cmd)),
  } as unknown as Connection;
  return { conn, sent, push: (m: ServerMessage) => listeners.forEach((l) => l(m)) };
}

const info: CallJoinInfo = {
  callId: 'k1', media: 'video', profile: '720p', iceServers: [], videoCodecs: ['vp8'],
  audioProcessing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  recording: { mode: 'off' } as CallJoinInfo['recording'],
};
const offer = { type: 'offer' as const, sdp: 'v=0 node offer' };
const answer = { type: 'answer' as const, sdp: 'v=0 node answer' };
const candidate = { candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 20000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
const count = (sent: Request[], type: string) => sent.filter((c) => c.type === type).length;
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A started session whose publish answer names `peerFeed`; subscriptions get the node's offer. */
async function started(peerFeed: string | null) {
  const f = fakeConnection(async (cmd) => (cmd.type === 'call.publish' ? { answer, peerFeed } : cmd.type === 'call.subscribe' ? { offer } : undefined));
  const session = new CallSession(f.conn, info, { peerConnection: FakePeer as unknown as typeof RTCPeerConnection });
  await session.start();
  /** Pushes call.feed and answers how many subscriptions were asked for so far. */
  const feed = async (feedId: string) => {
    f.push({ type: 'call.feed', callId: 'k1', available: true, feedId });
    await settle();
    return count(f.sent, 'call.subscribe');
  };
  return { f, session, feed };
}

beforeEach(() => {
  peers.length = 0;
  vi.stubGlobal('MediaStream', FakeStream);
  vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => new FakeStream() } });
});
afterEach(() => vi.unstubAllGlobals());

describe('CallSession signalling', () => {
  it('subscribes only when the server names the other feed, once per feed however often it is named', async () => {
    const { f, session, feed } = await started('feed-1');
    expect(count(f.sent, 'call.subscribe')).toBe(1);
    // The push about the same feed (it came up while this side published): no second subscription.
    expect(await feed('feed-1')).toBe(1);
    // A new publication of the other side is a new feed.
    expect(await feed('feed-2')).toBe(2);
    session.close();
  });

  it('does not ask for a feed that is not up: it waits for the call.feed push', async () => {
    const { f, session, feed } = await started(null);
    expect(count(f.sent, 'call.subscribe')).toBe(0);
    expect(await feed('feed-1')).toBe(1);
    session.close();
  });

  it("keeps the media node's candidates that overtake the answer and adds them once it is set", async () => {
    let publishAnswered!: (v: unknown) => void;
    const f = fakeConnection((cmd) => (cmd.type === 'call.publish' ? new Promise((r) => (publishAnswered = r)) : Promise.resolve(undefined)));
    const session = new CallSession(f.conn, info, { peerConnection: FakePeer as unknown as typeof RTCPeerConnection });
    const started = session.start();
    await vi.waitFor(() => expect(count(f.sent, 'call.publish')).toBe(1));
    f.push({ type: 'call.candidate', callId: 'k1', leg: 'publish', candidate });
    f.push({ type: 'call.candidate', callId: 'k1', leg: 'publish', candidate: null });
    publishAnswered({ answer, peerFeed: null });
    await started;
    const publisher = peers.find((p) => p.remoteDescription?.type === 'answer')!;
    expect(publisher.added).toEqual([candidate, undefined]);
    session.close();
  });

  it('sends no ICE candidate or stats once it hangs up (they would reach an ended call)', async () => {
    const { f, session } = await started(null);
    const publisher = peers.find((p) => p.remoteDescription?.type === 'answer')!;
    publisher.onicecandidate?.({ candidate });
    expect(count(f.sent, 'call.trickle')).toBe(1);
    const hangingUp = session.hangup();
    publisher.onicecandidate?.({ candidate: null });
    await hangingUp;
    expect(count(f.sent, 'call.trickle')).toBe(1);
  });
});

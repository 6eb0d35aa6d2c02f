// In-page code of the video benchmarks, bundled with esbuild (bench/video/bundle.ts) into the test
// page that bench/video/env.ts serves on the Visavis server's origin. It exposes `window.VV`, which
// the benchmark drives with page.evaluate. Each page is one party: a visitor (visitor session +
// token, as the widget does) or an agent (login cookie, as the workspace does), using the SDK's
// Connection and CallSession unchanged. The camera is a canvas drawing a time code (timecode.ts),
// the microphone an oscillator; getUserMedia is replaced before any CallSession starts.
import { CallSession, Connection, orderCodecs, requestJson, type CallPhase } from '@visavis/client';
import type {
  CallJoinInfo,
  ConversationSummary,
  SequencedEvent,
  ServerMessage,
  VisitorSessionResponse,
} from '@visavis/protocol';
import { drawCode, latencyMs, readCode } from './timecode.js';
import { CallSteps, markRequest, watchPeerConnection } from './steps.js';

const wallNow = () => performance.timeOrigin + performance.now();
const DECODE_W = 160;
const DECODE_H = 120;

// ---------------------------------------------------------------- camera and microphone

class Camera {
  readonly canvas = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;
  readonly video: MediaStreamTrack;
  private audioTrack: MediaStreamTrack | null = null;
  drawn = 0;
  private drawing = false;
  private paused = false;

  /**
   * `everyFrame`: draw on every animation frame (the latency method: the code is as fresh as it can
   * be when the capture takes the frame) and show the canvas; otherwise draw at the capture rate
   * into a canvas outside the document, which costs the page less (many pages in the CPU benchmark).
   */
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly fps: number,
    private readonly everyFrame: boolean,
  ) {
    this.canvas.width = width;
    this.canvas.height = height;
    if (everyFrame) {
      this.canvas.style.cssText = 'width:160px;height:90px';
      document.body.append(this.canvas);
    }
    this.ctx = this.canvas.getContext('2d', { alpha: false })!;
    drawCode(this.ctx, width, height, wallNow());
    this.video = this.canvas.captureStream(fps).getVideoTracks()[0]!;
  }

  /** A quiet 440 Hz tone stands in for the microphone (Opus is sent as in a real call); made on first use. */
  private audio(): MediaStreamTrack {
    if (this.audioTrack) return this.audioTrack;
    const ac = new AudioContext();
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    gain.gain.value = 0.05;
    const dest = ac.createMediaStreamDestination();
    osc.connect(gain).connect(dest);
    osc.start();
    void ac.resume();
    this.audioTrack = dest.stream.getAudioTracks()[0]!;
    return this.audioTrack;
  }

  /** Draws the time code from the first use on (idle pages stay idle) until pause(). */
  private start(): void {
    if (this.drawing || this.paused) return;
    this.drawing = true;
    let last = 0;
    const draw = (t: number) => {
      if (this.paused) {
        this.drawing = false;
        return;
      }
      // Throttled to the capture rate (2 ms early, so 30 fps on a 60 Hz clock draws every other frame).
      if (this.everyFrame || t - last >= 1000 / this.fps - 2) {
        last = t;
        drawCode(this.ctx, this.width, this.height, wallNow());
        this.drawn++;
      }
      requestAnimationFrame(draw);
    };
    requestAnimationFrame(draw);
  }

  /** Stops drawing: captureStream then yields no new frames and the encoders idle. */
  pause(): void {
    this.paused = true;
  }

  /** A fresh stream of clones: CallSession stops its tracks when the call ends. */
  stream(wantVideo: boolean): MediaStream {
    if (wantVideo) this.start();
    const audio = this.audio().clone();
    return new MediaStream(wantVideo ? [this.video.clone(), audio] : [audio]);
  }
}

let camera: Camera | null = null;

function installCamera(width: number, height: number, fps: number, everyFrame: boolean): void {
  camera ??= new Camera(width, height, fps, everyFrame);
  const cam = camera;
  navigator.mediaDevices.getUserMedia = async (c?: MediaStreamConstraints) => cam.stream(!!c?.video);
}

// ---------------------------------------------------------------- receiving side

export interface DecoderStats {
  frames: number;
  /** Frames whose code failed its check byte. */
  bad: number;
  /** Frames showing the same code as the one before (a repeated frame). */
  repeats: number;
  latencies: number[];
  sizes: Record<string, number>;
  firstFrameAt: number | null;
  /** The first frame larger than 2x2 (Chromium shows 2x2 frames before the first decoded picture). */
  firstPictureAt: number | null;
  firstFrameSize: string | null;
}

export interface ReceiverReport {
  /** 'janus': a call's remote video (through the server and Janus); 'direct': the direct path. */
  path: 'janus' | 'direct';
  stats: DecoderStats;
}

const freshStats = (): DecoderStats => ({
  frames: 0,
  bad: 0,
  repeats: 0,
  latencies: [],
  sizes: {},
  firstFrameAt: null,
  firstPictureAt: null,
  firstFrameSize: null,
});

/**
 * A <video> showing a remote stream, with a requestVideoFrameCallback loop: counts frames and
 * their sizes, notes the first frame, and when `decode` is on copies each frame into a 160x120
 * canvas, reads its time code and records display time minus capture time.
 */
class Receiver {
  readonly video = document.createElement('video');
  stats = freshStats();
  private readonly ctx: CanvasRenderingContext2D | null;
  private last: number | null = null;
  private stopped = false;

  constructor(
    stream: MediaStream,
    private readonly decode: boolean,
  ) {
    this.video.muted = true;
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.style.cssText = 'width:160px;height:90px';
    document.body.append(this.video);
    this.video.srcObject = stream;
    void this.video.play().catch(() => undefined);
    if (decode) {
      const c = document.createElement('canvas');
      c.width = DECODE_W;
      c.height = DECODE_H;
      this.ctx = c.getContext('2d', { willReadFrequently: true });
    } else {
      this.ctx = null;
    }
    this.video.requestVideoFrameCallback(this.onFrame);
  }

  private readonly onFrame = (_now: number, md: VideoFrameCallbackMetadata): void => {
    if (this.stopped) return;
    const shown = performance.timeOrigin + md.expectedDisplayTime;
    const s = this.stats;
    s.frames++;
    s.firstFrameAt ??= shown;
    if (md.width > 2 && md.height > 2) s.firstPictureAt ??= shown;
    const size = `${md.width}x${md.height}`;
    s.firstFrameSize ??= size;
    s.sizes[size] = (s.sizes[size] ?? 0) + 1;
    if (this.ctx) {
      this.ctx.drawImage(this.video, 0, 0, DECODE_W, DECODE_H);
      const code = readCode(this.ctx.getImageData(0, 0, DECODE_W, DECODE_H).data, DECODE_W, DECODE_H);
      if (code === null) s.bad++;
      else if (code === this.last) s.repeats++;
      else s.latencies.push(latencyMs(shown, code));
      if (code !== null) this.last = code;
    }
    this.video.requestVideoFrameCallback(this.onFrame);
  };

  reset(): void {
    const { firstFrameAt, firstPictureAt, firstFrameSize } = this.stats;
    this.stats = { ...freshStats(), firstFrameAt, firstPictureAt, firstFrameSize };
  }

  stop(): void {
    this.stopped = true;
    this.video.srcObject = null;
    this.video.remove();
  }
}

// ---------------------------------------------------------------- peer connections and their stats

const livePcs = new Set<RTCPeerConnection>();

/** Every RTCPeerConnection the page makes (CallSession's too, by its `peerConnection` option). */
class TrackedPeerConnection extends RTCPeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    livePcs.add(this);
    this.addEventListener('connectionstatechange', () => {
      if (this.connectionState === 'closed') livePcs.delete(this);
    });
  }
  override close(): void {
    livePcs.delete(this);
    super.close();
  }
}

/** The steps of the call being set up on this page (video-setup runs one call at a time). */
let currentSteps: CallSteps | null = null;

/** CallSession's PeerConnections: tracked, and each step of their set-up timed (steps.ts). */
class CallPeerConnection extends TrackedPeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    if (currentSteps) watchPeerConnection(this, currentSteps);
  }
}

export interface MediaCounters {
  at: number;
  pcs: number;
  /** Bytes received / sent over every live PeerConnection (audio, video, RTCP excluded). */
  bytesIn: number;
  bytesOut: number;
  /** RTP packets received / sent (audio and video, retransmissions included). */
  packetsIn: number;
  packetsOut: number;
  /** Received video: frames decoded and dropped, and total seconds in the jitter buffer / decoder. */
  framesDecoded: number;
  framesDropped: number;
  jitterBufferDelay: number;
  jitterBufferEmitted: number;
  decodeTime: number;
  /** Received video: packets lost (after retransmission) and NACKs sent. */
  packetsLost: number;
  nacks: number;
  /** Sent video, every simulcast layer: frames encoded and total seconds spent encoding. */
  framesEncoded: number;
  encodeTime: number;
  /** Sent video layers now: "rid WxH fps limitation". */
  layers: string[];
}

async function mediaCounters(): Promise<MediaCounters> {
  const c: MediaCounters = {
    at: wallNow(),
    pcs: livePcs.size,
    bytesIn: 0,
    bytesOut: 0,
    packetsIn: 0,
    packetsOut: 0,
    framesDecoded: 0,
    framesDropped: 0,
    jitterBufferDelay: 0,
    jitterBufferEmitted: 0,
    decodeTime: 0,
    packetsLost: 0,
    nacks: 0,
    framesEncoded: 0,
    encodeTime: 0,
    layers: [],
  };
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  for (const pc of livePcs) {
    const report = await pc.getStats().catch(() => null);
    report?.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp') {
        c.bytesIn += n(s.bytesReceived);
        c.packetsIn += n(s.packetsReceived);
        if (s.kind !== 'video') return;
        c.framesDecoded += n(s.framesDecoded);
        c.framesDropped += n(s.framesDropped);
        c.jitterBufferDelay += n(s.jitterBufferDelay);
        c.jitterBufferEmitted += n(s.jitterBufferEmittedCount);
        c.decodeTime += n(s.totalDecodeTime);
        c.packetsLost += n(s.packetsLost);
        c.nacks += n(s.nackCount);
      } else if (s.type === 'outbound-rtp') {
        c.bytesOut += n(s.bytesSent);
        c.packetsOut += n(s.packetsSent);
        if (s.kind !== 'video') return;
        c.framesEncoded += n(s.framesEncoded);
        c.encodeTime += n(s.totalEncodeTime);
        if (s.frameWidth) {
          c.layers.push(
            `${String(s.rid ?? '-')} ${n(s.frameWidth)}x${n(s.frameHeight)} ${Math.round(n(s.framesPerSecond))}fps ${String(s.qualityLimitationReason ?? '')}`,
          );
        }
      }
    });
  }
  return c;
}

// ---------------------------------------------------------------- the party: connection and calls

type Role = 'visitor' | 'agent';

/** Milestones of one call on this page, wall-clock ms (same clock in every page of the browser). */
export interface CallTimes {
  callId: string;
  start?: number;
  startAck?: number;
  ringing?: number;
  acceptAck?: number;
  join?: number;
  started?: number;
  connected?: number;
  remote?: number;
  firstFrame?: number;
  /** First remote frame larger than 2x2, and the size of the very first one. */
  firstPicture?: number;
  firstFrameSize?: string;
  ended?: number;
  /** Set-up steps (steps.ts): name -> wall-clock ms; figures: ICE checks, roles, trickles. */
  steps: Record<string, number>;
  figures: Record<string, number | string>;
  errors: string[];
  /** Simulcast layers the server chose for this page's subscription (call.quality), in order. */
  layers: number[];
  /** call.subscribe requests this page sent for the call, and how many the server refused. */
  subscribes: number;
  subscribesRefused: number;
}

class CallRun {
  session: CallSession | null = null;
  receiver: Receiver | null = null;
  readonly steps = new CallSteps();
  constructor(readonly times: CallTimes) {
    times.steps = this.steps.at;
    times.figures = this.steps.figures;
  }
}

let role: Role = 'visitor';
let conn: Connection | null = null;
let myId = '';
let decodeFrames = true;
const conversations = new Set<string>();
const calls = new Map<string, CallRun>();
const log: string[] = [];
const note = (s: string) => {
  log.push(`${new Date().toISOString().slice(11, 23)} ${s}`);
  if (log.length > 300) log.shift();
};

function runFor(callId: string): CallRun {
  let r = calls.get(callId);
  if (!r)
    calls.set(
      callId,
      (r = new CallRun({ callId, errors: [], layers: [], subscribes: 0, subscribesRefused: 0, steps: {}, figures: {} })),
    );
  return r;
}

const wsUrl = () => `${location.origin.replace(/^http/, 'ws')}/ws`;

/** Counts the call.subscribe requests CallSession makes (and refusals), per call. */
function connect(opts: ConstructorParameters<typeof Connection>[0]): Connection {
  const c = new Connection(opts);
  const request = c.request.bind(c);
  c.request = (<T>(cmd: Parameters<Connection['request']>[0]) => {
    const p = request<T>(cmd);
    if ('callId' in cmd && cmd.type.startsWith('call.')) {
      const steps = runFor(cmd.callId).steps;
      markRequest(steps, cmd.type, 'sent');
      p.then(
        () => markRequest(steps, cmd.type, 'ok'),
        () => markRequest(steps, cmd.type, 'refused'),
      );
      if (cmd.type === 'call.trickle') steps.add(`${cmd.leg === 'publish' ? 'pub' : 'sub'} candidates trickled`);
    }
    if (cmd.type.startsWith('call.') && cmd.type !== 'call.trickle' && cmd.type !== 'call.stats') {
      const t0 = wallNow();
      p.then(
        () => note(`${cmd.type} ok ${Math.round(wallNow() - t0)} ms`),
        (e: unknown) =>
          note(`${cmd.type} refused ${Math.round(wallNow() - t0)} ms ${String(e).slice(0, 80)}`),
      );
    }
    if (cmd.type === 'call.subscribe') {
      const run = runFor(cmd.callId);
      run.times.subscribes++;
      p.catch(() => run.times.subscribesRefused++);
    }
    return p;
  }) as Connection['request'];
  return c;
}

function waitReady(c: Connection): Promise<void> {
  return new Promise((resolve) => {
    const off = c.on('ready', (m) => {
      myId = m.principalId;
      off();
      resolve();
    });
  });
}

/** Error frames the server sent this page, by code (refused requests, e.g. of CallSession). */
const errorFrames: Record<string, number> = {};

function onMessage(m: ServerMessage): void {
  if (m.type === 'error') {
    errorFrames[m.code] = (errorFrames[m.code] ?? 0) + 1;
    note(`error frame ${m.code} ${m.message} rid=${m.rid ?? '-'}`);
  }
  if (m.type === 'call.join') void join(m.info);
  if (m.type === 'call.feed' && m.available) runFor(m.callId).steps.mark('call.feed pushed');
  if (m.type === 'call.candidate') {
    const steps = runFor(m.callId).steps;
    const leg = m.leg === 'publish' ? 'pub' : 'sub';
    steps.mark(`${leg} first media-node candidate`);
    steps.add(`${leg} media-node candidates received`);
  }
  if (role !== 'agent') return;
  if (m.type === 'inbox.updated') {
    const c: ConversationSummary = m.conversation;
    if (c.agentId === myId && c.status !== 'closed' && !conversations.has(c.id)) {
      conversations.add(c.id);
      conn!.subscribe(c.id, 0);
    }
  }
  // Servers whose routing rings agents (offers) instead of assigning: accept, as the workspace would.
  const ring = m as { type: string; offer?: { id?: string } };
  if (ring.type === 'offer.ringing' && ring.offer?.id) {
    conn!
      .request({ type: 'offer.accept', offerId: ring.offer.id } as never)
      .catch((e: unknown) => note(`offer.accept: ${String(e)}`));
  }
}

function onEvent(e: SequencedEvent): void {
  const ev = e.event;
  if (ev.type === 'conversation.assigned') conversations.add(e.conversationId);
  if (
    ev.type === 'call.ringing' &&
    ev.by !== role &&
    e.conversationId &&
    conversations.has(e.conversationId)
  ) {
    // Answer at once (the benchmark measures the system, not a person's reaction time).
    const run = runFor(ev.callId);
    if (run.times.ringing !== undefined) return;
    run.times.ringing = wallNow();
    conn!.request({ type: 'call.accept', callId: ev.callId }).then(
      () => (run.times.acceptAck = wallNow()),
      (err: unknown) => run.times.errors.push(`accept: ${String(err)}`),
    );
  }
  if (ev.type === 'call.ended') {
    const run = calls.get(ev.callId);
    if (run) {
      run.times.ended ??= wallNow();
      run.session?.close();
      run.receiver?.stop();
    }
  }
}

async function join(info: CallJoinInfo): Promise<void> {
  const run = runFor(info.callId);
  if (run.session) return;
  run.times.join = wallNow();
  currentSteps = run.steps;
  const session = new CallSession(conn!, info, {
    peerConnection: CallPeerConnection,
    statsIntervalMs: 3000,
  });
  run.session = session;
  session.on('phase', (p: CallPhase) => {
    note(`call ${info.callId.slice(0, 8)} phase ${p}`);
    if (p === 'connected') run.times.connected ??= wallNow();
  });
  session.on('quality', (q) => {
    run.times.layers.push(q.layer);
    note(`call ${info.callId.slice(0, 8)} quality ${q.quality} layer ${q.layer}`);
  });
  session.on('error', (e) => {
    run.times.errors.push(`session: ${e.message}`);
    note(`call error ${e.message}`);
  });
  session.on('remote', (stream) => {
    run.times.remote ??= wallNow();
    if (!run.receiver && stream.getVideoTracks().length > 0) {
      run.receiver = new Receiver(stream, decodeFrames);
      const poll = () => {
        const stats = run.receiver?.stats;
        if (stats?.firstFrameAt != null) {
          run.times.firstFrame ??= stats.firstFrameAt;
          run.times.firstFrameSize ??= stats.firstFrameSize ?? undefined;
        }
        if (stats?.firstPictureAt != null) run.times.firstPicture ??= stats.firstPictureAt;
        else if (run.receiver) setTimeout(poll, 5);
      };
      poll();
    }
  });
  try {
    await session.start();
    run.times.started = wallNow();
  } catch (e) {
    run.times.errors.push(`start: ${(e as Error).message}`);
    note(`start failed ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------- the direct (no server) path

let direct: { pc: RTCPeerConnection; receiver: Receiver | null } | null = null;
/** Whether this page sends video on the direct path (one direction measured: only the visitor does). */
let directSendVideo = true;
/** The extra encoders of the direct path with equal load (directLoad). */
const loadPcs: RTCPeerConnection[] = [];
/** Candidates that arrived before the remote description (the relay does not keep order). */
let earlyCandidates: RTCIceCandidateInit[] = [];
declare global {
  interface Window {
    VV: typeof api;
    /** Exposed by the benchmark: relays a signalling message to the other page. */
    __vvSignal(msg: DirectSignal): Promise<void>;
  }
}
export type DirectSignal = { sdp: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit };

/** Only loopback UDP candidates: the direct path never touches any real interface. */
const loopbackOnly = (c: string) => / udp /i.test(c) && / 127\.0\.0\.1 /.test(c);

function directPc(): RTCPeerConnection {
  const pc = new TrackedPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
  pc.onicecandidate = (e) => {
    if (e.candidate && loopbackOnly(e.candidate.candidate))
      void window.__vvSignal({ candidate: e.candidate.toJSON() });
  };
  pc.ontrack = (e) => {
    if (e.track.kind !== 'video' || !direct) return;
    direct.receiver?.stop();
    direct.receiver = new Receiver(e.streams[0] ?? new MediaStream([e.track]), true);
  };
  return pc;
}

/**
 * Chromium's bandwidth estimate over loopback ramps up slowly (and backs off on the scheduling
 * jitter of a busy 2-core machine), while Janus's REMB lets a publisher send the room's cap at
 * once. So that the floor is measured at the same resolution and bitrate as the call's top layer,
 * the direct path starts at, and keeps at least, most of the cap (x-google-*-bitrate on VP8).
 */
function pinBitrate(sdp: string, maxBitrate: number): string {
  const kbps = Math.round(maxBitrate / 1000);
  const params = `x-google-start-bitrate=${Math.round(kbps * 0.85)};x-google-min-bitrate=${Math.round(kbps * 0.75)};x-google-max-bitrate=${kbps}`;
  let out = sdp;
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+) VP8\/90000\r?$/gim)) {
    const pt = m[1]!;
    const fmtp = new RegExp(`^a=fmtp:${pt} (.*)$`, 'm');
    out = fmtp.test(out)
      ? out.replace(fmtp, (_l, rest: string) => `a=fmtp:${pt} ${rest.trim()};${params}`)
      : out.replace(m[0], `${m[0].trimEnd()}\r\na=fmtp:${pt} ${params}\r`);
  }
  return out;
}

/** Same camera, same codec (VP8) and bitrate cap as the call's top layer, one layer, sendrecv. */
async function addMedia(pc: RTCPeerConnection, maxBitrate: number, fromOffer: boolean): Promise<void> {
  const stream = camera!.stream(directSendVideo);
  const video = stream.getVideoTracks()[0];
  if (video) video.contentHint = 'motion';
  const audio = stream.getAudioTracks()[0]!;
  if (!fromOffer) {
    pc.addTransceiver(audio, { direction: 'sendrecv', streams: [stream] });
    if (video)
      pc.addTransceiver(video, { direction: 'sendrecv', streams: [stream], sendEncodings: [{ maxBitrate }] });
    else pc.addTransceiver('video', { direction: 'recvonly' });
  } else {
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track.kind;
      if (kind === 'video' && !video) {
        t.direction = 'recvonly';
        continue;
      }
      t.direction = 'sendrecv';
      await t.sender.replaceTrack(kind === 'video' ? video! : audio);
      t.sender.setStreams(stream);
    }
  }
  for (const t of pc.getTransceivers()) {
    if (t.receiver.track.kind !== 'video') continue;
    const caps = RTCRtpReceiver.getCapabilities('video');
    if (caps) t.setCodecPreferences(orderCodecs(caps.codecs, ['vp8']));
  }
}

// ---------------------------------------------------------------- the API the benchmark drives

const api = {
  /** Canvas camera + oscillator microphone in place of getUserMedia. */
  init(o: { role: Role; width: number; height: number; fps: number; decode: boolean }): void {
    role = o.role;
    decodeFrames = o.decode;
    installCamera(o.width, o.height, o.fps, o.decode);
  },

  /** The widget's start: visitor session, WebSocket with the token, conversation.start, subscribe. */
  async visitor(siteKey: string, index: number): Promise<string> {
    const session = await requestJson<VisitorSessionResponse>(
      { baseUrl: location.origin },
      'POST',
      '/api/visitor/session',
      {
        siteKey,
        language: 'en',
        pageUrl: `https://bench.example/video/${index}`,
      },
    );
    conn = connect({ url: wsUrl(), token: session.visitorToken });
    conn.on('message', onMessage);
    conn.on('event', onEvent);
    await waitReady(conn);
    const { conversation } = await conn.request<{ conversation: ConversationSummary }>({
      type: 'conversation.start',
      language: 'en',
    });
    conversations.add(conversation.id);
    conn.subscribe(conversation.id, 0);
    return conversation.id;
  },

  /** The workspace's start: login (cookie on this origin), WebSocket with the cookie, presence online. */
  async agent(email: string, password: string): Promise<string> {
    const res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw new Error(`login ${email}: HTTP ${res.status} ${await res.text()}`);
    conn = connect({ url: wsUrl() }); // same origin: the browser sends the session cookie
    conn.on('message', onMessage);
    conn.on('event', onEvent);
    await waitReady(conn);
    await requestJson({ baseUrl: location.origin }, 'GET', '/api/agent/conversations?scope=live');
    await requestJson({ baseUrl: location.origin }, 'PUT', '/api/me/presence', { presence: 'online' });
    return myId;
  },

  conversations: () => [...conversations],

  /** The visitor taps "video": call.start; the agent's page answers, both pages join. */
  async startCall(
    conversationId: string,
    profile: '360p' | '720p' | '1080p',
    acknowledgeRecording = false,
  ): Promise<string> {
    const t0 = wallNow();
    const { call } = await conn!.request<{ call: { id: string } }>({
      type: 'call.start',
      conversationId,
      media: 'video',
      profile,
      // A dual-recording group: the visitor agreed to the notice before tapping (as in the widget).
      ...(acknowledgeRecording ? { acknowledgeRecording } : {}),
    });
    const run = runFor(call.id);
    run.times.start = t0;
    run.times.startAck = wallNow();
    return call.id;
  },

  times: (callId: string): CallTimes | null => calls.get(callId)?.times ?? null,
  allTimes: (): CallTimes[] => [...calls.values()].map((r) => r.times),
  liveCalls: (): number => [...calls.values()].filter((r) => r.session && r.times.ended === undefined).length,

  async hangup(callId: string): Promise<void> {
    const run = calls.get(callId);
    await run?.session?.hangup();
    run?.receiver?.stop();
  },

  /** Receive figures per live call on this page ('janus') and of the direct path, since the last reset. */
  receivers(): ReceiverReport[] {
    const out: ReceiverReport[] = [];
    for (const r of calls.values())
      if (r.receiver && r.times.ended === undefined) out.push({ path: 'janus', stats: r.receiver.stats });
    if (direct?.receiver) out.push({ path: 'direct', stats: direct.receiver.stats });
    return out;
  },
  /** receivers() and resetReceivers() in one step, so no frame falls between them. */
  takeReceivers(): ReceiverReport[] {
    const out = api.receivers();
    api.resetReceivers();
    return out;
  },
  resetReceivers(): void {
    for (const r of calls.values()) r.receiver?.reset();
    direct?.receiver?.reset();
  },

  mediaCounters,
  /** Diagnostics: every sending track of the live PeerConnections, "kind enabled readyState". */
  senders: () =>
    [...livePcs].flatMap((pc) =>
      pc
        .getSenders()
        .map((x) => (x.track ? `${x.track.kind} ${x.track.enabled} ${x.track.readyState}` : 'none')),
    ),
  errorFrames: () => ({ ...errorFrames }),
  drawnFrames: () => camera?.drawn ?? 0,
  visibility: () => document.visibilityState,
  log: () => log.slice(),

  /** Camera on/off in this page's calls (CallSession.setVideo: the product's "camera off"). */
  async setCamera(on: boolean): Promise<void> {
    for (const r of calls.values())
      if (r.session && r.times.ended === undefined) await r.session.setVideo(on);
    // A disabled canvas track still feeds black frames to the encoders at the canvas's rate.
    if (!on) camera?.pause();
  },
  directConfig(sendVideo: boolean): void {
    directSendVideo = sendVideo;
  },
  /** Direct path, offering side: a sendrecv PeerConnection with the camera; the offer goes to the other page. */
  async directOffer(maxBitrate: number): Promise<void> {
    earlyCandidates = [];
    direct = { pc: directPc(), receiver: null };
    await addMedia(direct.pc, maxBitrate, false);
    await direct.pc.setLocalDescription(await direct.pc.createOffer());
    await window.__vvSignal({ sdp: direct.pc.localDescription!.toJSON() });
  },
  /** Direct path: a signalling message from the other page (answering side creates its PeerConnection). */
  async directSignal(msg: DirectSignal, maxBitrate: number): Promise<void> {
    if ('sdp' in msg) {
      const remote = { type: msg.sdp.type!, sdp: pinBitrate(msg.sdp.sdp ?? '', maxBitrate) };
      if (remote.type === 'offer') {
        direct = { pc: directPc(), receiver: null };
        await direct.pc.setRemoteDescription(remote);
        await addMedia(direct.pc, maxBitrate, true);
        await direct.pc.setLocalDescription(await direct.pc.createAnswer());
        await window.__vvSignal({ sdp: direct.pc.localDescription!.toJSON() });
      } else {
        await direct!.pc.setRemoteDescription(remote);
      }
      for (const c of earlyCandidates.splice(0)) await direct!.pc.addIceCandidate(c);
    } else if (direct?.pc.remoteDescription) {
      await direct.pc.addIceCandidate(msg.candidate);
    } else {
      earlyCandidates.push(msg.candidate);
    }
  },
  /**
   * Extra encode load for the direct path, to match the call's simulcast: the camera also goes out
   * at 1/2 and 1/4 resolution (the call's m and l layers, same caps) over a loopback pair of
   * PeerConnections inside this page. Not counted in mediaCounters (plain RTCPeerConnections).
   */
  async directLoad(maxBitrate: number): Promise<void> {
    const a = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    const b = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    loadPcs.push(a, b);
    a.onicecandidate = (e) =>
      void (
        e.candidate &&
        loopbackOnly(e.candidate.candidate) &&
        b.addIceCandidate(e.candidate).catch(() => undefined)
      );
    b.onicecandidate = (e) =>
      void (
        e.candidate &&
        loopbackOnly(e.candidate.candidate) &&
        a.addIceCandidate(e.candidate).catch(() => undefined)
      );
    const layers: [number, number][] = [
      [2, Math.round(maxBitrate * 0.25)],
      [4, Math.round(maxBitrate * 0.08)],
    ];
    for (const [scale, max] of layers) {
      const track = camera!.stream(true).getVideoTracks()[0]!;
      track.contentHint = 'motion';
      const t = a.addTransceiver(track, {
        direction: 'sendonly',
        sendEncodings: [{ scaleResolutionDownBy: scale, maxBitrate: max }],
      });
      const caps = RTCRtpSender.getCapabilities('video');
      if (caps) t.setCodecPreferences(orderCodecs(caps.codecs, ['vp8']));
    }
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription({
      type: 'offer',
      sdp: pinBitrate(a.localDescription!.sdp, maxBitrate * 0.25),
    });
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription({
      type: 'answer',
      sdp: pinBitrate(b.localDescription!.sdp, maxBitrate * 0.25),
    });
  },
  directLoadState: () => loadPcs.map((pc) => pc.connectionState),
  directState: () => direct?.pc.connectionState ?? 'none',
  directClose(): void {
    earlyCandidates = [];
    for (const pc of loadPcs.splice(0)) pc.close();
    direct?.receiver?.stop();
    direct?.pc.close();
    direct = null;
  },
};

window.VV = api;

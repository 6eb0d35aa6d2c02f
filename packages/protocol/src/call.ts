import { z } from 'zod';
import { Uuid } from './model.js';

/**
 * Audio/video calls escalated from a conversation. The browser never talks to the media server's
 * API: it sends SDP and ICE candidates over the authenticated WebSocket, and the server relays
 * them to the media node that holds the call's room.
 */
export const CallMedia = z.enum(['video', 'audio']);
export type CallMedia = z.infer<typeof CallMedia>;
export const CallProfile = z.enum(['360p', '720p', '1080p']);
export type CallProfile = z.infer<typeof CallProfile>;

export const Jsep = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1).max(60_000) });
export type Jsep = z.infer<typeof Jsep>;

/** A browser ICE candidate; null = end of candidates. */
export const IceCandidate = z
  .object({
    candidate: z.string().max(1000),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  })
  .nullable();
export type IceCandidate = z.infer<typeof IceCandidate>;

export const CallLegKind = z.enum(['publish', 'subscribe']);
export type CallLegKind = z.infer<typeof CallLegKind>;

export const CallStatus = z.enum(['ringing', 'active', 'ended']);
export type CallStatus = z.infer<typeof CallStatus>;

export const CallEndReason = z.enum([
  'hangup', 'declined', 'no_answer', 'cancelled', 'peer_lost', 'media_failed', 'conversation_closed', 'server_restart',
  /** Recording was required (mandatory / dual-recording) and could not be started. */
  'recording_failed',
]);
export type CallEndReason = z.infer<typeof CallEndReason>;

export interface CallView {
  id: string;
  conversationId: string;
  media: CallMedia;
  profile: CallProfile;
  status: CallStatus;
  startedBy: 'visitor' | 'agent';
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  endReason: CallEndReason | null;
  /** How the call is recorded; null = not recorded. */
  recording: { mode: RecordingMode; dual: boolean; state: RecordingState } | null;
}

/**
 * Recording of a skill group's calls. off: none; on: recorded when the media server can (a failure
 * is logged, the call goes on); mandatory: the call does not connect unless recording runs.
 */
export const RecordingMode = z.enum(['off', 'on', 'mandatory']);
export type RecordingMode = z.infer<typeof RecordingMode>;

/**
 * Where a call's server-side recording stands. starting: room records, waiting for the media
 * files to grow; running: confirmed; failed: stopped or never started (a dual-recording call is
 * paused meanwhile); off: not recorded.
 */
export const RecordingState = z.enum(['off', 'starting', 'running', 'failed']);
export type RecordingState = z.infer<typeof RecordingState>;

/** A skill group's recording policy (admin-configured), as the call parties learn it. */
export const RecordingPolicy = z.object({
  mode: RecordingMode,
  /** Dual-recording (雙錄): notice acknowledged by the visitor, script steps time-marked, pause on failure. Implies mandatory. */
  dual: z.boolean(),
  /** The agent's script, read out step by step in a dual-recording call. */
  script: z.array(z.string().trim().min(1).max(500)).max(50),
  /** The visitor may keep a local recording in the browser and replay it. */
  visitorLocal: z.boolean(),
});
export type RecordingPolicy = z.infer<typeof RecordingPolicy>;
export const NO_RECORDING: RecordingPolicy = { mode: 'off', dual: false, script: [], visitorLocal: false };

/** ICE servers for the browser: STUN/TURN with time-limited credentials (TURN REST scheme). */
export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What a party needs to join the call's media once it is answered. */
export interface CallJoinInfo {
  callId: string;
  media: CallMedia;
  profile: CallProfile;
  iceServers: IceServerConfig[];
  /** Preferred video codec order for this party (H.264 first on Android). */
  videoCodecs: ('vp8' | 'h264')[];
  audioProcessing: { echoCancellation: boolean; noiseSuppression: boolean; autoGainControl: boolean };
  /** The call's recording policy: the agent's browser records too (client recording) unless mode is off. */
  recording: RecordingPolicy;
}

/** Receive-side stats a subscriber reports every few seconds; the server picks its simulcast layer. */
export const CallStatsReport = z.object({
  lossPct: z.number().min(0).max(100),
  availableKbps: z.number().min(0).max(1_000_000).nullable(),
  freezeCount: z.number().int().min(0).max(1_000_000),
  fps: z.number().min(0).max(240).nullable(),
  rttMs: z.number().min(0).max(60_000).nullable(),
});
export type CallStatsReport = z.infer<typeof CallStatsReport>;

export type NetworkQuality = 'good' | 'fair' | 'poor';

export const callCommands = [
  z.object({
    type: z.literal('call.start'), rid: z.string().max(64).optional(), conversationId: Uuid, media: CallMedia, profile: CallProfile.optional(),
    acknowledgeRecording: z.boolean().optional(),
  }),
  /** `acknowledgeRecording`: the visitor accepted the recording notice (required when the call is recorded in dual mode). */
  z.object({ type: z.literal('call.accept'), rid: z.string().max(64).optional(), callId: Uuid, acknowledgeRecording: z.boolean().optional() }),
  z.object({ type: z.literal('call.decline'), rid: z.string().max(64).optional(), callId: Uuid }),
  z.object({ type: z.literal('call.hangup'), rid: z.string().max(64).optional(), callId: Uuid }),
  /** Publish this party's media: the browser's offer in, the media node's answer back in the ack. */
  z.object({ type: z.literal('call.publish'), rid: z.string().max(64).optional(), callId: Uuid, jsep: Jsep, audio: z.boolean().default(true), video: z.boolean().default(true) }),
  /** Receive the other party: the ack carries the media node's offer. */
  z.object({ type: z.literal('call.subscribe'), rid: z.string().max(64).optional(), callId: Uuid }),
  z.object({ type: z.literal('call.subscribe_answer'), rid: z.string().max(64).optional(), callId: Uuid, jsep: Jsep }),
  z.object({ type: z.literal('call.trickle'), rid: z.string().max(64).optional(), callId: Uuid, leg: CallLegKind, candidate: IceCandidate }),
  /** Mute / camera state, relayed to the other party and applied on the media node. */
  z.object({ type: z.literal('call.configure'), rid: z.string().max(64).optional(), callId: Uuid, audio: z.boolean().optional(), video: z.boolean().optional() }),
  z.object({ type: z.literal('call.stats'), rid: z.string().max(64).optional(), callId: Uuid, stats: CallStatsReport }),
  /** The agent asks the visitor's browser for a full-resolution still from its camera (HD snapshot). */
  z.object({ type: z.literal('call.snapshot_request'), rid: z.string().max(64).optional(), callId: Uuid }),
] as const;

/**
 * The ack of `call.publish`: the media node's answer, and the other party's feed when it is up
 * already (subscribe to it now; else a `call.feed` push tells when it is). Null: not yet.
 */
export interface CallPublishResult {
  answer: Jsep | null;
  peerFeed?: string | null;
}

/** Ephemeral call pushes (the call's lifecycle itself is in the sequenced timeline). */
export type CallServerMessage =
  | { type: 'call.join'; info: CallJoinInfo }
  | { type: 'call.candidate'; callId: string; leg: CallLegKind; candidate: IceCandidate }
  /**
   * The other party's feed can be subscribed to (again), or went away. `feedId` names the feed, so
   * a client told twice about the same one (this push and its publish ack) subscribes once.
   */
  | { type: 'call.feed'; callId: string; available: boolean; feedId?: string }
  | { type: 'call.peer'; callId: string; audio: boolean; video: boolean }
  | { type: 'call.quality'; callId: string; quality: NetworkQuality; layer: number }
  /** To the visitor: take a still from the camera and upload it (POST /api/calls/:id/snapshots?requestId=). */
  | { type: 'call.snapshot_request'; callId: string; requestId: string }
  /** Recording state changes; in a dual-recording call `paused` = media between the parties is held. */
  | { type: 'call.recording'; callId: string; state: RecordingState; paused: boolean };

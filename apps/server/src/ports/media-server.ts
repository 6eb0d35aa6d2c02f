/**
 * The media server (SFU) as the call services see it: rooms for 1:1 calls, a publisher leg per
 * participant that sends media, subscriber legs that receive a publisher's feed. Nothing here
 * names a particular server; an adapter under adapters/ implements it and keeps every wire name
 * and file format to itself (module-boundaries.unit.test.ts checks none leaks).
 *
 * One `MediaServer` is one node. A deployment has a list of nodes; `MediaServerPool`
 * (services/media-pool.ts) picks the least-loaded healthy node for each new call, and every
 * later operation of that call goes to the node that holds its room.
 */

/** A node's own name for a room, publisher feed or leg: opaque strings outside the adapter. */
export type MediaRoomId = string;
export type MediaFeedId = string;

export type VideoCodec = 'vp8' | 'h264';

export interface MediaRoomOptions {
  /** Publishers allowed at once; a 1:1 call needs 2 (the default). */
  maxPublishers?: number;
  /** Upper bound of each publisher's video bitrate, bits per second; enforced on the sender. */
  bitrateCap?: number;
  /** Acceptable video codecs, most preferred first. Default: vp8 then h264. */
  videoCodecs?: VideoCodec[];
  /** Record every publisher's streams into `dir` (on the media node's file system). */
  recording?: { dir: string } | null;
  /** Free text shown in the node's room list; helps when hunting leaks. */
  description?: string;
}

export interface MediaRoomInfo {
  roomId: MediaRoomId;
  description: string;
  maxPublishers: number;
  participants: number;
  recording: boolean;
}

/** Session description, as a browser's RTCSessionDescriptionInit. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** One ICE candidate, as a browser's RTCIceCandidateInit; `null` means "no more candidates". */
export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

export interface PublishOptions {
  displayName?: string;
  /** The feed id the others subscribe to; the node picks one when absent. */
  feedId?: MediaFeedId;
}

export interface PublishSettings {
  /** The publisher's offer; absent to only change settings of a running publication. */
  offer?: Jsep;
  audio?: boolean;
  video?: boolean;
  /** Overrides the room's bitrate cap for this publisher (bits per second). */
  bitrate?: number;
  /** Turns recording of this publisher on or off (the room must allow recording). */
  record?: boolean;
  /**
   * Base name of this publisher's recording files inside the room's recording directory (no
   * slashes); the node appends the stream to it. Names segments by party (`<party>-<n>`).
   */
  recordingName?: string;
}

/** Simulcast layer choice for a subscriber: spatial substream and temporal layer, 0 = lowest. */
export interface LayerChoice {
  /** Which media stream of the subscription (its SDP mid); all video streams when absent. */
  mid?: string;
  substream?: 0 | 1 | 2;
  temporal?: 0 | 1 | 2;
}

/** What a leg reports while it lives. `closed` is always the last event of a leg. */
export type MediaLegEvent =
  | { type: 'webrtcup' }
  | { type: 'media'; kind: 'audio' | 'video'; receiving: boolean; mid?: string }
  | { type: 'slowlink'; uplink: boolean; lost: number; mid?: string }
  /** A candidate of the media node, to pass to the browser; `null` = gathering completed. */
  | { type: 'candidate'; candidate: IceCandidate | null }
  /** The PeerConnection ended (ICE/DTLS failure, timeout, the other side hung up). */
  | { type: 'hangup'; reason: string }
  /** The subscribed publisher stopped publishing or left. */
  | { type: 'feed_gone'; feedId: MediaFeedId }
  | { type: 'closed'; reason: MediaLegCloseReason };

export type MediaLegCloseReason = 'closed' | 'node_lost' | 'room_destroyed';

export interface MediaLeg {
  readonly roomId: MediaRoomId;
  readonly closed: boolean;
  /** Passes a browser candidate on; `null` tells the node the browser has no more. */
  trickle(candidate: IceCandidate | null): Promise<void>;
  /** Listens to this leg's events; answers the function that stops listening. */
  on(listener: (event: MediaLegEvent) => void): () => void;
  /** Ends the PeerConnection and frees the leg on the node. Safe to call twice. */
  close(): Promise<void>;
}

export interface PublisherLeg extends MediaLeg {
  readonly feedId: MediaFeedId;
  /** Starts or changes the publication; with an offer, answers the node's SDP answer. */
  configure(settings: PublishSettings): Promise<{ answer: Jsep | null }>;
}

export interface SubscriberLeg extends MediaLeg {
  readonly feedId: MediaFeedId;
  /** The node's offer for this subscription, to give to the browser. */
  readonly offer: Jsep;
  /** Hands the browser's answer to the node; media flows after ICE and DTLS complete. */
  start(answer: Jsep): Promise<void>;
  switchLayer(choice: LayerChoice): Promise<void>;
  /** Holds the media sent to this subscriber (the PeerConnection stays up); `resume` restarts it. */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export type MediaNodeState = 'connecting' | 'up' | 'lost' | 'closed';

export type MediaNodeEvent =
  /**
   * The node is reachable (again). `roomsLost` lists rooms this client created that no longer
   * exist there: non-empty after a restart of the media server, whose calls must be re-created.
   */
  | { type: 'up'; nodeId: string; roomsLost: MediaRoomId[] }
  /** The connection or session is gone: every leg on this node is closed with `node_lost`. */
  | { type: 'lost'; nodeId: string; reason: string };

export interface MediaNodeLoad {
  rooms: number;
  /** Open legs (PeerConnections): the figure that tracks the node's CPU and bandwidth use. */
  legs: number;
}

/** One media node. Operations fail with `MediaServerError`. */
export interface MediaServer {
  readonly nodeId: string;
  readonly state: MediaNodeState;
  /** Connects and resolves once the node is up; later losses are reported as events. */
  start(): Promise<void>;
  /** Round trip of a cheap request, in ms; fails when the node does not answer in time. */
  ping(): Promise<number>;
  load(): MediaNodeLoad;
  createRoom(options?: MediaRoomOptions): Promise<MediaRoomInfo>;
  /** Destroys the room; legs in it are closed with `room_destroyed`. Unknown room: no error. */
  destroyRoom(roomId: MediaRoomId): Promise<void>;
  /** Every room on the node, including ones other clients made (for leak checks). */
  listRooms(): Promise<MediaRoomInfo[]>;
  publish(roomId: MediaRoomId, options?: PublishOptions): Promise<PublisherLeg>;
  subscribe(roomId: MediaRoomId, feedId: MediaFeedId): Promise<SubscriberLeg>;
  on(listener: (event: MediaNodeEvent) => void): () => void;
  /** Closes every leg, stops reconnecting and disconnects. Rooms are left to their owner. */
  close(): Promise<void>;
}

/** Stable codes callers can branch on; `serverCode`/`serverReason` keep the node's own words. */
export type MediaErrorCode =
  | 'timeout'
  | 'room_not_found'
  | 'feed_not_found'
  | 'room_full'
  /** The node's session or handle vanished (restart, session timeout, connection drop). */
  | 'session_gone'
  /** The node is not connected right now. */
  | 'unavailable'
  /** No healthy node can take a new call. */
  | 'no_capacity'
  /** The leg or node was closed by this process. */
  | 'closed'
  /** The node understood and refused (bad SDP, invalid request...). */
  | 'rejected'
  /** The node answered something this client does not understand. */
  | 'protocol';

export class MediaServerError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    readonly serverCode?: number,
    readonly serverReason?: string,
  ) {
    super(message);
    this.name = 'MediaServerError';
  }
}

/**
 * Server-side recording as the recording and call modules see it. The media nodes write each
 * publisher's raw streams into a per-call directory (a room created with `recording: { dir }`,
 * publishers configured with `record`); the raw format is the node's own business. This
 * capability makes those directories, confirms a recording is really being written (the node's
 * "OK" to record only says it will try), and turns the raw streams into ordinary media files.
 */
export type RecordedParty = 'agent' | 'visitor';

/** Transitions of one call's recording; each is reported once per transition. */
export type MediaRecordingEvent =
  /** Media is being written (first time: `startDelayMs` after `start`; `resumed` after a stall). */
  | { type: 'running'; callId: string; startDelayMs: number; resumed: boolean }
  /** Nothing more is written while someone sends media. */
  | { type: 'stalled'; callId: string }
  /** The recording never started in time; the call is no longer watched. */
  | { type: 'stopped'; callId: string; reason: 'not_started' };

/** One decoded stream of one publishing session of a party, ready for ffmpeg. */
export interface RecordingArtefact {
  party: RecordedParty;
  /** A party publishing again (network change) starts a new segment; ordered by time. */
  segment: number;
  kind: 'audio' | 'video';
  /** Codec as the node recorded it (opus, vp8, h264...). */
  codec: string;
  /** The decoded file (WebM, Opus, MKV... as the codec needs; not transcoded). */
  path: string;
  /** Wall-clock time of the file's time 0 (its first packet), µs since the epoch: aligns parties. */
  startUs: number;
}

export interface RecordingArtefacts {
  artefacts: RecordingArtefact[];
  /** Raw streams left out, with why (never received media, unsupported codec, unknown name...). */
  skipped: { file: string; reason: string }[];
}

export interface ArtefactOptions {
  /** Where the decoded files go (created by the caller; the caller removes them). */
  outDir: string;
  /** Date.now() value after which every decoder still running is killed ('timeout'). */
  deadline: number;
  signal?: AbortSignal;
}

export interface MediaRecording {
  /** Makes the call's recording directory; rejects when it cannot be made (recording impossible). */
  prepare(callId: string): Promise<string>;
  /** The call's media began flowing on this node: confirm its recording (no-op if watched). */
  start(callId: string, dir: string): void;
  /** Whether anyone sends media now: a call where everyone muted stops growing without a stall. */
  setSending(callId: string, sending: boolean): void;
  /** Stops watching the call (it ended on this node). */
  stop(callId: string): void;
  /** Stops watching every call (shutdown). */
  stopAll(): void;
  on(listener: (event: MediaRecordingEvent) => void): () => void;
  /**
   * Decodes the raw streams of an ended call's directory. Streams that cannot be decoded are
   * `skipped`; fails (errors with a `code`) only when the decoder is missing ('tool_missing'),
   * the deadline passed ('timeout') or the signal aborted ('aborted').
   */
  artefacts(dir: string, options: ArtefactOptions): Promise<RecordingArtefacts>;
  /** Removes the call's directory with everything in it. */
  remove(dir: string): Promise<void>;
}

import type { CallMedia as MediaKind, CallProfile } from '@visavis/protocol';
import type { Principal } from '../identity/index.js';
import type { MediaRecording } from '../ports/media-server.js';
import { recordingRequired } from './call-service.js';
import type { CallRow, Party } from './call-store.js';
import { CallLegs } from './live-call-legs.js';

/** Who takes part in a live call, as they were when it was last checked on this node. */
export interface LiveCallParties {
  visitorId: string;
  agentId: string | null;
}

/** The call's facts that do not change while it is live: what signalling decides by. */
export interface LiveCallPolicy {
  media: MediaKind;
  profile: CallProfile;
  /** The call may not connect unless it is recorded (mandatory or dual recording). */
  recordingRequired: boolean;
  dual: boolean;
  /** The call's raw recording directory; null = not recorded. */
  recordingDir: string | null;
  mediaNode: string;
  mediaRoom: string;
}

/**
 * The call's recording as this node sees it, from the `MediaRecording` events of the publishers
 * on this node: `idle` until media flows here, `starting` once confirming began, then `running`,
 * `stalled` (nothing written while someone sends) or `stopped` (it never started).
 */
export type NodeRecordingState = 'idle' | 'starting' | 'running' | 'stalled' | 'stopped';

/** What a live call needs of the media server's recording: watch its directory, or stop. */
export type LiveCallRecorder = Pick<MediaRecording, 'start' | 'stop' | 'setSending'>;

function policyOf(call: CallRow): LiveCallPolicy {
  if (!call.media_node || !call.media_room) throw new Error(`call ${call.id} has no room: it cannot be live`);
  return {
    media: call.media,
    profile: call.profile,
    recordingRequired: recordingRequired(call.recording_policy),
    dual: call.recording_policy?.dual ?? false,
    recordingDir: call.recording_dir,
    mediaNode: call.media_node,
    mediaRoom: call.media_room,
  };
}

/**
 * A call live on this node: its parties, its policy, the legs of the parties whose sockets are
 * here, and its recording as this node sees it. Signalling that comes many times a second (ICE
 * candidates, receive stats, layer switches) is served from it without touching the database.
 *
 * Made when the call is answered on this node, or the first time one of its parties signals
 * here. `close()` hangs up its legs, clears their timers and stops watching its recording; it
 * runs when the call ends anywhere (`call.ended` on the bus), when its media node is lost, and
 * with this node. When the conversation changes hands the call stays, with its legs, but
 * authorises nobody until its parties are checked against the database again. A closed LiveCall
 * authorises nobody.
 */
export class LiveCall {
  readonly legs = new CallLegs();
  private row: CallRow;
  private who: LiveCallParties | null;
  private recordingState: NodeRecordingState = 'idle';
  private isClosed = false;
  readonly policy: LiveCallPolicy;

  constructor(call: CallRow, parties: LiveCallParties, private readonly recorder: LiveCallRecorder | null = null) {
    this.row = call;
    this.who = parties;
    this.policy = policyOf(call);
  }

  get id(): string {
    return this.row.id;
  }

  get conversationId(): string {
    return this.row.conversation_id;
  }

  /** The row as last read: status, feeds and recording state here are not kept up to date. */
  get call(): CallRow {
    return this.row;
  }

  /** Who takes part; null after a hand-over until they are checked again. */
  get parties(): LiveCallParties | null {
    return this.who;
  }

  get recording(): NodeRecordingState {
    return this.recordingState;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The party this principal is in the call, or null (not a party, handed over, or closed here). */
  partyOf(p: Principal): Party | null {
    const who = this.who;
    if (this.isClosed || !who || p.orgId !== this.row.org_id) return null;
    if (p.kind === 'visitor') return p.visitorId === who.visitorId ? 'visitor' : null;
    return who.agentId !== null && p.agentId === who.agentId ? 'agent' : null;
  }

  /** Checked against the database again: the row and the parties as they are now. */
  confirm(call: CallRow, parties: LiveCallParties): void {
    if (!this.isClosed) {
      this.row = call;
      this.who = parties;
    }
  }

  /** The conversation changed hands: nobody is authorised until checked again (legs stay). */
  handOver(): void {
    this.who = null;
  }

  /** Media flows on this node: confirm the recording (the port ignores a call it already watches). */
  startRecording(): void {
    if (this.isClosed || !this.policy.recordingDir || !this.recorder) return;
    this.recorder.start(this.id, this.policy.recordingDir);
    if (this.recordingState === 'idle' || this.recordingState === 'stopped') this.recordingState = 'starting';
  }

  /** What the recording's events said last. */
  recordingIs(state: Exclude<NodeRecordingState, 'idle' | 'starting'>): void {
    if (!this.isClosed) this.recordingState = state;
  }

  /** A party muted or unmuted: tells the recording whether anyone still sends. */
  setSending(party: Party, audio: boolean | undefined, video: boolean | undefined): void {
    const legs = this.legs.of(party);
    if (!legs) return;
    legs.sending = { audio: audio ?? legs.sending.audio, video: video ?? legs.sending.video };
    this.recorder?.setSending(this.id, this.legs.anySending());
  }

  /** The cascade: stops watching the recording, clears the timers, hangs up the legs. Runs once. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.recorder?.stop(this.id);
    await this.legs.hangUp();
  }
}

/** This node's live calls by id, closed in a cascade with the call, its media node or the node. */
export class LiveCalls {
  private readonly byId = new Map<string, LiveCall>();

  constructor(private readonly recorder: LiveCallRecorder | null = null) {}

  get(callId: string): LiveCall | undefined {
    return this.byId.get(callId);
  }

  /** The call as just read and authorised: the live call is confirmed, or made if there is none. */
  hold(call: CallRow, parties: LiveCallParties): LiveCall {
    const held = this.byId.get(call.id);
    if (held && !held.closed) {
      held.confirm(call, parties);
      return held;
    }
    const live = new LiveCall(call, parties, this.recorder);
    this.byId.set(live.id, live);
    return live;
  }

  /** The call ended: its legs are hung up here and it is forgotten. */
  async close(callId: string): Promise<void> {
    const live = this.byId.get(callId);
    if (!live) return;
    this.byId.delete(callId);
    await live.close();
  }

  /** The conversation was assigned, transferred or closed: who may signal is checked again. */
  handOver(conversationId: string): void {
    for (const live of this.byId.values()) if (live.conversationId === conversationId) live.handOver();
  }

  /** A media node was lost: the calls in its rooms are over on this node. */
  async closeOnNode(nodeId: string): Promise<void> {
    const lost = [...this.byId.values()].filter((l) => l.policy.mediaNode === nodeId);
    await Promise.all(lost.map((l) => this.close(l.id)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.byId.keys()].map((id) => this.close(id)));
  }

  openLegs(): number {
    let n = 0;
    for (const l of this.byId.values()) n += l.legs.count();
    return n;
  }

  get size(): number {
    return this.byId.size;
  }
}

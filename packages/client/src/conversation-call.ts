import type { CallJoinInfo, CallMedia, CallProfile, CallView, SequencedEvent, ServerMessage } from '@visavis/protocol';
import { applyCallEvent, callOutcome, type CallOutcome, type CallParty, type LiveCall } from './call-state.js';
import type { Connection } from './connection.js';
import type { Conversation } from './conversation.js';
import { Emitter } from './emitter.js';
import { VisavisError } from './errors.js';
import { recordingPush, recordingStatus, type RecordingPush, type RecordingStatus } from './recording-status.js';

/**
 * A conversation's call as a client holds it, for both UIs: the live call folded from the
 * Conversation's `call.*` events (ringing → active → gone), who may start or answer one, when
 * this client's media should join (`join`: once per call, on the `call.join` push or the accept's
 * ack, whichever comes first, never for a call the timeline says ended), and the server-side
 * recording's status (timeline plus the latest push). The media itself is the SDK's
 * `CallSession`, which each UI starts on `join` and stops on `ended`; screens and words stay in
 * each UI.
 */

/**
 * Why this side may not start a call now (null: it may):
 * - notMine: nobody to call (visitor: no agent in the conversation; agent: not assigned to me);
 * - live: a call already rings or runs in this conversation;
 * - busy: this client holds the media of another call (an agent answers one at a time);
 * - offline: the realtime connection is not open.
 */
export type CallBlock = 'notMine' | 'live' | 'busy' | 'offline' | null;

export interface CallRule {
  /** The other side is there to call: an agent in the conversation, or (for agents) assigned to me. */
  mayCall: boolean;
  live: LiveCall | null;
  inCallElsewhere?: boolean;
  /** Default true: the workspace shows its own connection banner instead. */
  connected?: boolean;
}

export function callBlock(r: CallRule): CallBlock {
  if (!r.mayCall) return 'notMine';
  if (r.live) return 'live';
  if (r.inCallElsewhere) return 'busy';
  if (r.connected === false) return 'offline';
  return null;
}

/** Whether `me` may answer (accept or decline) the live call: it rings and the other side started it. */
export function mayAnswer(live: LiveCall | null, me: CallParty): boolean {
  return live !== null && live.status === 'ringing' && live.startedBy !== me;
}

export type ConversationCallEvents = {
  /** The live call changed: rang, was answered, its recording moved, or it is gone (null). */
  changed: LiveCall | null;
  /** Start this call's media now (a CallSession with this info). */
  join: CallJoinInfo;
  /** The timeline says this call ended, and how; stop its media. */
  ended: { callId: string; outcome: CallOutcome };
  /** The recording status changed (timeline event or push). */
  recording: RecordingStatus;
};

export interface StartCallOptions {
  profile?: CallProfile;
  /** The visitor accepted the recording notice (after RECORDING_NOTICE_REQUIRED). */
  acknowledgeRecording?: boolean;
}

export class Call extends Emitter<ConversationCallEvents> {
  private liveValue: LiveCall | null = null;
  private push: RecordingPush | null = null;
  private status: RecordingStatus;
  /** Calls of this conversation: rang in its timeline, or started / accepted from here. */
  private readonly known = new Set<string>();
  private readonly ended = new Set<string>();
  /** Join infos of calls not known yet (the push came before the timeline's call.ringing). */
  private readonly heldJoins = new Map<string, CallJoinInfo>();
  private joinedValue: string | null = null;
  private readonly offs: (() => void)[];
  private closedValue = false;

  constructor(
    private readonly conversation: Conversation,
    private readonly conn: Connection,
    readonly me: CallParty,
  ) {
    super();
    for (const ev of conversation.timeline.events) this.fold(ev, false);
    this.status = recordingStatus(this.liveValue, null);
    this.offs = [
      conversation.on('event', (ev) => this.onEvent(ev)),
      conn.on('message', (m) => this.onMessage(m)),
    ];
  }

  get live(): LiveCall | null {
    return this.liveValue;
  }

  get recording(): RecordingStatus {
    return this.status;
  }

  /** The call whose `join` was emitted (its media should be running), until it ends. */
  get joined(): string | null {
    return this.joinedValue;
  }

  /** Why a call cannot start now (null: it can); see CallBlock. */
  block(r: Omit<CallRule, 'live'>): CallBlock {
    return callBlock({ ...r, live: this.liveValue, connected: r.connected ?? this.conn.status === 'open' });
  }

  get canAnswer(): boolean {
    return mayAnswer(this.liveValue, this.me);
  }

  async start(media: CallMedia, opts: StartCallOptions = {}): Promise<CallView> {
    this.check();
    const { call } = await this.conn.request<{ call: CallView }>({
      type: 'call.start',
      conversationId: this.conversation.id,
      media,
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.acknowledgeRecording ? { acknowledgeRecording: true } : {}),
    });
    if (call?.id) this.known.add(call.id);
    return call;
  }

  /** Answers the ringing call; its media joins at once (the ack carries the join info). */
  async accept(opts: { acknowledgeRecording?: boolean } = {}): Promise<CallJoinInfo> {
    this.check();
    const live = this.liveValue;
    if (!live || !mayAnswer(live, this.me)) throw new VisavisError('CALL_NOT_RINGING', 'no call to answer');
    const ack = opts.acknowledgeRecording ? { acknowledgeRecording: true } : {};
    const { join } = await this.conn.request<{ join: CallJoinInfo }>({ type: 'call.accept', callId: live.callId, ...ack });
    this.offerJoin(join);
    return join;
  }

  async decline(): Promise<void> {
    this.check();
    const live = this.liveValue;
    if (!live) return;
    await this.conn.request({ type: 'call.decline', callId: live.callId });
  }

  /** Cancels the ringing call or hangs up the live one (also one this client holds no media for). */
  async hangup(): Promise<void> {
    this.check();
    const live = this.liveValue;
    if (!live) return;
    await this.conn.request({ type: 'call.hangup', callId: live.callId });
  }

  close(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    for (const off of this.offs.splice(0)) off();
    this.heldJoins.clear();
  }

  private check(): void {
    if (this.closedValue) throw new VisavisError('CLOSED', `call of conversation ${this.conversation.id}: used after close()`);
  }

  private onEvent(ev: SequencedEvent): void {
    const before = this.liveValue;
    this.fold(ev, true);
    if (this.liveValue !== before) this.emit('changed', this.liveValue);
    this.updateRecording();
  }

  private fold(ev: SequencedEvent, live: boolean): void {
    const e = ev.event;
    this.liveValue = applyCallEvent(this.liveValue, ev);
    if (e.type === 'call.ringing') {
      this.known.add(e.callId);
      const held = this.heldJoins.get(e.callId);
      this.heldJoins.delete(e.callId);
      if (held && live) this.offerJoin(held);
    }
    if (e.type === 'call.ended') {
      this.ended.add(e.callId);
      this.heldJoins.delete(e.callId);
      if (this.joinedValue === e.callId) this.joinedValue = null;
      if (live) this.emit('ended', { callId: e.callId, outcome: callOutcome(e) });
    }
    if (e.type === 'conversation.closed') this.joinedValue = null;
  }

  private onMessage(m: ServerMessage): void {
    if (m.type === 'call.join') {
      if (this.known.has(m.info.callId)) this.offerJoin(m.info);
      else if (!this.ended.has(m.info.callId)) this.heldJoins.set(m.info.callId, m.info);
    } else if (m.type === 'call.recording' && this.known.has(m.callId)) {
      this.push = recordingPush(this.liveValue, m);
      this.updateRecording();
    }
  }

  /** The join rule: once per call, only while the timeline does not say it ended. */
  private offerJoin(info: CallJoinInfo): void {
    if (this.closedValue || this.ended.has(info.callId) || this.joinedValue === info.callId) return;
    this.known.add(info.callId);
    this.joinedValue = info.callId;
    this.emit('join', info);
  }

  private updateRecording(): void {
    const next = recordingStatus(this.liveValue, this.push);
    const s = this.status;
    if (s.recorded === next.recorded && s.dual === next.dual && s.required === next.required && s.state === next.state && s.starting === next.starting && s.paused === next.paused) return;
    this.status = next;
    this.emit('recording', next);
  }
}

import type {
  CallEndReason, CallJoinInfo, CallMedia, CallProfile, CallServerMessage, CallView, IceServerConfig, RecordingPolicy, RecordingState, TimelineEvent,
} from '@visavis/protocol';
import { NO_RECORDING } from '@visavis/protocol';
import { actorOf, SYSTEM_ACTOR, type AuditLog } from '../audit/index.js';
import { recordingPolicyForConversation } from '../recording/index.js';
import type { MediaRecording } from '../ports/media-server.js';
import { AppError } from '../platform/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import type { BusTopics, EventBus } from '../ports/event-bus.js';
import { ConversationStore, lockWritable, readableConversation, recordTimeline } from '../conversations/index.js';
import { VisitorStore, type Principal } from '../identity/index.js';
import type { Effects, UnitOfWork } from '../platform/outbox/unit-of-work.js';
import { Capacity, RoutingConfigs } from '../routing/index.js';
import { Commands } from '../platform/outbox/commands.js';
import { emit } from '../platform/events/domain-events.js';
import type { LiveCallParties } from './live-call.js';
import { CallStore, toCallView, type CallRow, type Party } from './call-store.js';

/** Where a call's media lives; the media pool implements it (and a fake in unit tests). */
export interface CallRooms {
  /** Is any media node able to take a call now? */
  available(): boolean;
  /** `recordingDir`: the room records every publisher into it (on the media node's file system). */
  create(callId: string, profile: CallProfile, options?: { recordingDir?: string | null }): Promise<{ node: string; room: string }>;
  destroy(node: string, room: string): Promise<void>;
}

export interface CallSettings {
  ringTimeoutMs: number;
  defaultProfile: CallProfile;
  iceServers: (principalId: string) => IceServerConfig[];
}

const partyOf = (p: Principal): Party => p.kind;

/** A call that may not connect unless it is recorded. */
export const recordingRequired = (policy: RecordingPolicy | null): boolean => Boolean(policy && (policy.mode === 'mandatory' || policy.dual));

/** Video codec order for a browser: H.264 first on Android (hardware encoders), VP8 first elsewhere. */
export function codecOrder(userAgent: string | null): CallJoinInfo['videoCodecs'] {
  return userAgent && /Android/i.test(userAgent) ? ['h264', 'vp8'] : ['vp8', 'h264'];
}

/**
 * A call's lifecycle: ringing -> active -> ended. Either side of an assigned conversation starts
 * it; the other accepts or declines; unanswered calls end after the ring timeout. The timeline
 * records it (call.ringing / call.answered / call.ended), so a reconnecting client learns the
 * state from the events it resumes. While a call is live the agent holds extra capacity units
 * (the media's weight above a chat's).
 */
export class CallService {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly rooms: CallRooms,
    private readonly settings: CallSettings,
    /** The media server's recording (null: this deployment cannot record) and the audit log. */
    private readonly recording: { recorder: Pick<MediaRecording, 'prepare'> | null; audit: AuditLog | null } = { recorder: null, audit: null },
  ) {}

  async start(
    p: Principal,
    input: { conversationId: string; media: CallMedia; profile?: CallProfile | undefined; acknowledgeRecording?: boolean | undefined },
  ): Promise<CallView> {
    if (!this.rooms.available()) throw new AppError('MEDIA_UNAVAILABLE');
    return this.uow.run(async (tx, fx) => {
      const c = await lockWritable(tx, p, input.conversationId);
      if (c.status !== 'assigned' || !c.agent_id) throw new AppError('CALL_NOT_POSSIBLE', 'A call needs an agent in the conversation.');
      const policy = await recordingPolicyForConversation(tx, c.id);
      if (recordingRequired(policy) && !this.recording.recorder) throw new AppError('RECORDING_UNAVAILABLE', 'This server has no recording directory.');
      const acknowledged = p.kind === 'visitor' && input.acknowledgeRecording === true;
      if (policy.dual && p.kind === 'visitor' && !acknowledged) throw new AppError('RECORDING_NOTICE_REQUIRED');
      const now = this.clock.now();
      const ringExpiresAt = new Date(now.getTime() + this.settings.ringTimeoutMs);
      const profile = input.profile ?? this.settings.defaultProfile;
      const call = await CallStore.create(tx, {
        orgId: c.org_id, conversationId: c.id, media: input.media, profile, startedBy: partyOf(p), agentId: c.agent_id, now, ringExpiresAt,
        recordingPolicy: policy, noticeAcknowledgedAt: acknowledged && policy.mode !== 'off' ? now : null,
      });
      if (!call) throw new AppError('CALL_IN_PROGRESS');
      if (acknowledged && policy.mode !== 'off') await this.auditNotice(tx, p, call);
      const recording = policy.mode === 'off' ? {} : { recording: { mode: policy.mode, dual: policy.dual } };
      await this.timeline(tx, fx, call, { type: 'call.ringing', callId: call.id, media: call.media, by: call.started_by, profile, ...recording });
      await Commands.send(tx, c.org_id, 'call.ring_timeout', { orgId: c.org_id, callId: call.id }, ringExpiresAt);
      return toCallView(call);
    });
  }

  /** The called party answers: a room is made on a media node, then both parties get join info. */
  async accept(p: Principal, callId: string, opts: { acknowledgeRecording?: boolean | undefined } = {}): Promise<CallJoinInfo> {
    const before = await this.readable(p, callId);
    if (before.status !== 'ringing') throw new AppError('CALL_NOT_RINGING');
    if (before.started_by === partyOf(p)) throw new AppError('FORBIDDEN', 'The caller cannot answer their own call.');
    const policy = before.recording_policy ?? NO_RECORDING;
    const acknowledged = p.kind === 'visitor' && opts.acknowledgeRecording === true;
    if (policy.dual && !before.notice_acknowledged_at && !acknowledged) throw new AppError('RECORDING_NOTICE_REQUIRED');
    const recordingDir = await this.prepareRecording(before, policy);
    const { node, room } = await this.rooms.create(callId, before.profile, { recordingDir });
    try {
      return await this.uow.run(async (tx, fx) => {
        const call = await CallStore.lock(tx, callId);
        if (!call || call.status !== 'ringing') throw new AppError('CALL_NOT_RINGING');
        const now = this.clock.now();
        await this.holdExtra(tx, call, now);
        const recordingState: RecordingState = policy.mode === 'off' ? 'off' : recordingDir ? 'starting' : 'failed';
        const active = await CallStore.update(tx, call.id, {
          status: 'active', media_node: node, media_room: room, answeredAt: now,
          recording_dir: recordingDir, recording_state: recordingState,
          ...(acknowledged && policy.mode !== 'off' ? { noticeAcknowledgedAt: now } : {}),
        });
        if (acknowledged && policy.mode !== 'off') await this.auditNotice(tx, p, active);
        if (recordingState === 'failed') await this.timeline(tx, fx, active, { type: 'call.recording', callId: call.id, state: 'failed' });
        await ConversationStore.setMedia(tx, call.conversation_id, call.media);
        await this.timeline(tx, fx, active, { type: 'call.answered', callId: call.id, by: partyOf(p) });
        const parties = await this.partiesOf(tx, call);
        const visitorId = parties.visitorId;
        // Android phones encode H.264 in hardware: offer it first to them; VP8 first elsewhere.
        const visitorCodecs = codecOrder((await VisitorStore.byId(tx, visitorId))?.user_agent ?? null);
        const visitorInfo = this.joinInfo(active, visitorId, visitorCodecs);
        const agentInfo = this.joinInfo(active, call.agent_id ?? '', ['vp8', 'h264']);
        fx.push('call.push', callPush(active, 'visitor', parties, { type: 'call.join', info: visitorInfo }));
        fx.push('call.push', callPush(active, 'agent', parties, { type: 'call.join', info: agentInfo }));
        return p.kind === 'visitor' ? visitorInfo : agentInfo;
      });
    } catch (e) {
      await this.rooms.destroy(node, room).catch(() => undefined);
      throw e;
    }
  }

  async decline(p: Principal, callId: string): Promise<void> {
    const call = await this.readable(p, callId);
    if (call.started_by === partyOf(p)) throw new AppError('FORBIDDEN', 'Hang up to cancel your own call.');
    await this.end(callId, partyOf(p), 'declined', ['ringing']);
  }

  /** Ends a ringing call (the caller cancels) or an active one. */
  async hangup(p: Principal, callId: string): Promise<void> {
    const call = await this.readable(p, callId);
    await this.end(callId, partyOf(p), call.status === 'ringing' ? 'cancelled' : 'hangup', ['ringing', 'active']);
  }

  async ringTimeout(callId: string): Promise<void> {
    const call = await CallStore.byId(this.db, callId);
    if (!call || call.status !== 'ringing') return;
    await this.end(callId, 'system', 'no_answer', ['ringing']);
  }

  /** Ends a call for a system reason (peer gone, media failure, conversation closed). */
  async endBySystem(callId: string, reason: CallEndReason): Promise<void> {
    await this.end(callId, 'system', reason, ['ringing', 'active']);
  }

  async current(p: Principal, conversationId: string): Promise<CallView | null> {
    await readableConversation(this.db, p, conversationId);
    const call = await CallStore.liveFor(this.db, conversationId);
    return call ? toCallView(call) : null;
  }

  /** Ends the call if it is in one of `from`; a call already ended is left alone (idempotent). */
  private async end(callId: string, by: Party | 'system', reason: CallEndReason, from: ('ringing' | 'active')[]): Promise<void> {
    const ended = await this.uow.run(async (tx, fx) => {
      const call = await CallStore.lock(tx, callId);
      if (!call || !(from as string[]).includes(call.status)) {
        if (call && call.status !== 'ended' && by !== 'system') throw new AppError('CALL_NOT_RINGING');
        return null;
      }
      const now = this.clock.now();
      const released = await Capacity.release(tx, {
        orgId: call.org_id, conversationId: call.conversation_id, callId: call.id, kind: 'call', now, reason: 'release',
      });
      if (released) await emit(tx, call.org_id, 'agent.capacity_released', { agentId: released.agentId, availableAt: now.toISOString() }, now);
      const row = await CallStore.update(tx, call.id, {
        status: 'ended', ended_by: by, end_reason: reason, endedAt: now,
        // The raw files are turned into stored recordings by the post-processing job.
        ...(call.recording_dir ? { postprocess_state: 'pending' as const } : {}),
      });
      await ConversationStore.setMedia(tx, call.conversation_id, 'chat');
      const durationMs = call.answered_at ? now.getTime() - new Date(call.answered_at).getTime() : null;
      // Also the domain event call.ended: recording's post-processing listens, and the push listener
      // tells every node, whose media legs of the call must go.
      await this.timeline(tx, fx, row, { type: 'call.ended', callId: call.id, by, reason, durationMs });
      return row;
    });
    if (ended?.media_node && ended.media_room) await this.rooms.destroy(ended.media_node, ended.media_room).catch(() => undefined);
  }

  /** Holds (media weight - chat weight) more units of the agent for the call, as many as are free. */
  private async holdExtra(tx: SqlExecutor, call: CallRow, now: Date): Promise<number> {
    if (!call.agent_id) return 0;
    const { policy } = await RoutingConfigs.get(tx, call.org_id);
    const want = Math.max(0, policy.weights[call.media] - policy.weights.chat);
    if (want === 0) return 0;
    return Capacity.holdUpTo(tx, {
      orgId: call.org_id, agentId: call.agent_id, conversationId: call.conversation_id, callId: call.id, kind: 'call', weight: want, now, reason: 'call-take',
    });
  }

  private joinInfo(call: CallRow, principalId: string, videoCodecs: CallJoinInfo['videoCodecs']): CallJoinInfo {
    return {
      callId: call.id,
      media: call.media,
      profile: call.profile,
      iceServers: this.settings.iceServers(principalId),
      videoCodecs,
      audioProcessing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      recording: call.recording_policy ?? NO_RECORDING,
    };
  }

  /**
   * The call's raw recording directory, or null when it is not recorded. A call that must be
   * recorded and cannot be is ended here ("recording_failed") and the answer is refused.
   */
  private async prepareRecording(call: CallRow, policy: RecordingPolicy): Promise<string | null> {
    if (policy.mode === 'off') return null;
    try {
      if (!this.recording.recorder) throw new Error('no recording directory configured');
      return await this.recording.recorder.prepare(call.id);
    } catch (e) {
      if (!recordingRequired(policy)) return null;
      await this.end(call.id, 'system', 'recording_failed', ['ringing']);
      throw new AppError('RECORDING_UNAVAILABLE', `Recording cannot start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * The server-side recording changed state (seen by the recording monitor on a media node's
   * server). Conditional, so when several server nodes watch one call only one records it.
   */
  async recordingChanged(callId: string, state: 'running' | 'failed', paused: boolean): Promise<boolean> {
    return this.uow.run(async (tx, fx) => {
      const call = await CallStore.lock(tx, callId);
      if (!call || call.status !== 'active' || call.recording_state === state || call.recording_state === 'off') return false;
      const now = this.clock.now();
      const row = await CallStore.update(tx, call.id, {
        recording_state: state,
        ...(state === 'running' && !call.recording_started_at ? { recordingStartedAt: now } : {}),
      });
      await this.timeline(tx, fx, row, { type: 'call.recording', callId: call.id, state });
      await this.recording.audit?.append(
        { orgId: call.org_id, actor: SYSTEM_ACTOR, action: `recording.${state}`, target: { type: 'call', id: call.id }, details: { paused } },
        tx,
      );
      const parties = await this.partiesOf(tx, row);
      for (const party of ['visitor', 'agent'] as const) {
        fx.push('call.push', callPush(row, party, parties, { type: 'call.recording', callId: call.id, state, paused }));
      }
      return true;
    });
  }

  /** The visitor acknowledged the recording notice: evidence that they were told. */
  private async auditNotice(tx: SqlExecutor, p: Principal, call: CallRow): Promise<void> {
    await this.recording.audit?.append(
      {
        orgId: call.org_id, actor: actorOf(p), action: 'recording.notice_acknowledged', target: { type: 'call', id: call.id },
        details: { mode: call.recording_policy?.mode ?? 'off', dual: call.recording_policy?.dual ?? false },
      },
      tx,
    );
  }

  private async readable(p: Principal, callId: string): Promise<CallRow> {
    const call = await CallStore.byId(this.db, callId);
    if (!call) throw new AppError('NOT_FOUND', 'No such call.');
    const c = await readableConversation(this.db, p, call.conversation_id);
    if (p.kind === 'agent' && c.agent_id !== p.agentId) throw new AppError('FORBIDDEN', 'Only the assigned agent takes part in the call.');
    return call;
  }

  /** Who the call's parties are now (the conversation's visitor and assigned agent). */
  private async partiesOf(tx: SqlExecutor, call: CallRow): Promise<LiveCallParties> {
    const c = (await ConversationStore.byId(tx, call.conversation_id))!;
    return { visitorId: c.visitor_id, agentId: c.agent_id };
  }

  private async timeline(tx: SqlExecutor, fx: Effects, call: CallRow, event: TimelineEvent): Promise<void> {
    await recordTimeline(tx, fx, { orgId: call.org_id, conversationId: call.conversation_id, now: this.clock.now() }, event);
  }

  /** An ephemeral push to one party of the call, wherever (on whichever node) their sockets are. */
  /** `parties`: who they are when the caller already knows (a live call on this node); else looked up. */
  async push(call: CallRow, to: Party, message: CallServerMessage, parties?: LiveCallParties): Promise<void> {
    const c = parties ?? (await ConversationStore.byId(this.db, call.conversation_id).then((r) => r && { visitorId: r.visitor_id, agentId: r.agent_id }));
    if (!c) return;
    await this.bus.publish('call.push', callPush(call, to, c, message));
  }
}

/** The bus message that reaches one party of the call, on whichever node their sockets are. */
function callPush(call: CallRow, to: Party, parties: LiveCallParties, message: CallServerMessage): BusTopics['call.push'] {
  return {
    orgId: call.org_id,
    to,
    visitorId: to === 'visitor' ? parties.visitorId : null,
    agentId: to === 'agent' ? parties.agentId : null,
    message,
  };
}

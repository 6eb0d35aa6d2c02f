import type { CallEndReason, CallJoinInfo, CallMedia, CallProfile, CallServerMessage, CallView, IceServerConfig } from '@visavis/protocol';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import type { EventBus } from '../ports/event-bus.js';
import { lockWritable, readableConversation } from '../services/access.js';
import type { Principal } from '../services/principal.js';
import type { Effects, UnitOfWork } from '../services/unit-of-work.js';
import { CapacityStore } from '../stores/capacity-store.js';
import { EventStore } from '../stores/event-store.js';
import { OutboxStore } from '../stores/outbox-store.js';
import { RoutingConfigs } from '../routing/routing-configs.js';
import { CallStore, toCallView, type CallRow, type Party } from './call-store.js';

/** Where a call's media lives; the media pool implements it (and a fake in unit tests). */
export interface CallRooms {
  /** Is any media node able to take a call now? */
  available(): boolean;
  create(callId: string, profile: CallProfile): Promise<{ node: string; room: string }>;
  destroy(node: string, room: string): Promise<void>;
}

export interface CallSettings {
  ringTimeoutMs: number;
  defaultProfile: CallProfile;
  iceServers: (principalId: string) => IceServerConfig[];
}

const partyOf = (p: Principal): Party => p.kind;

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
  ) {}

  async start(p: Principal, input: { conversationId: string; media: CallMedia; profile?: CallProfile | undefined }): Promise<CallView> {
    if (!this.rooms.available()) throw new AppError('MEDIA_UNAVAILABLE');
    return this.uow.run(async (tx, fx) => {
      const c = await lockWritable(tx, p, input.conversationId);
      if (c.status !== 'assigned' || !c.agent_id) throw new AppError('CALL_NOT_POSSIBLE', 'A call needs an agent in the conversation.');
      const now = this.clock.now();
      const ringExpiresAt = new Date(now.getTime() + this.settings.ringTimeoutMs);
      const profile = input.profile ?? this.settings.defaultProfile;
      const call = await CallStore.create(tx, {
        orgId: c.org_id, conversationId: c.id, media: input.media, profile, startedBy: partyOf(p), agentId: c.agent_id, now, ringExpiresAt,
      });
      if (!call) throw new AppError('CALL_IN_PROGRESS');
      await this.timeline(tx, fx, call, { type: 'call.ringing', callId: call.id, media: call.media, by: call.started_by, profile });
      await OutboxStore.add(tx, c.org_id, 'call.ring_timeout', { orgId: c.org_id, callId: call.id }, ringExpiresAt);
      fx.outboxWritten = true;
      return toCallView(call);
    });
  }

  /** The called party answers: a room is made on a media node, then both parties get join info. */
  async accept(p: Principal, callId: string): Promise<CallJoinInfo> {
    const before = await this.readable(p, callId);
    if (before.status !== 'ringing') throw new AppError('CALL_NOT_RINGING');
    if (before.started_by === partyOf(p)) throw new AppError('FORBIDDEN', 'The caller cannot answer their own call.');
    const { node, room } = await this.rooms.create(callId, before.profile);
    try {
      return await this.uow.run(async (tx, fx) => {
        const call = await CallStore.lock(tx, callId);
        if (!call || call.status !== 'ringing') throw new AppError('CALL_NOT_RINGING');
        const now = this.clock.now();
        const extra = await this.takeExtra(tx, call, now);
        const active = await CallStore.update(tx, call.id, { status: 'active', media_node: node, media_room: room, extra_weight: extra, answeredAt: now });
        await tx.query('update conversations set media = $2 where id = $1', [call.conversation_id, call.media]);
        await this.timeline(tx, fx, active, { type: 'call.answered', callId: call.id, by: partyOf(p) });
        const visitorId = await this.visitorOf(tx, call);
        // Android phones encode H.264 in hardware: offer it first to them; VP8 first elsewhere.
        const [v] = await tx.query<{ user_agent: string | null }>('select user_agent from visitors where id = $1', [visitorId]);
        const visitorCodecs = codecOrder(v?.user_agent ?? null);
        const visitorInfo = this.joinInfo(active, visitorId, visitorCodecs);
        const agentInfo = this.joinInfo(active, call.agent_id ?? '', ['vp8', 'h264']);
        fx.after.push(() => this.push(active, 'visitor', { type: 'call.join', info: visitorInfo }));
        fx.after.push(() => this.push(active, 'agent', { type: 'call.join', info: agentInfo }));
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
      if (call.extra_weight > 0 && call.agent_id) {
        await CapacityStore.release(tx, {
          orgId: call.org_id, agentId: call.agent_id, conversationId: call.conversation_id, weight: call.extra_weight, now, kind: 'release',
        });
        await OutboxStore.add(tx, call.org_id, 'routing.agent_available', { orgId: call.org_id, agentId: call.agent_id });
        fx.outboxWritten = true;
      }
      const row = await CallStore.update(tx, call.id, { status: 'ended', ended_by: by, end_reason: reason, endedAt: now, extra_weight: 0 });
      await tx.query(`update conversations set media = 'chat' where id = $1`, [call.conversation_id]);
      const durationMs = call.answered_at ? now.getTime() - new Date(call.answered_at).getTime() : null;
      await this.timeline(tx, fx, row, { type: 'call.ended', callId: call.id, by, reason, durationMs });
      fx.after.push(() => this.bus.publish('call.ended', { orgId: call.org_id, callId: call.id }));
      return row;
    });
    if (ended?.media_node && ended.media_room) await this.rooms.destroy(ended.media_node, ended.media_room).catch(() => undefined);
  }

  /** Takes (media weight - chat weight) more units from the agent, as many as are free. */
  private async takeExtra(tx: SqlExecutor, call: CallRow, now: Date): Promise<number> {
    if (!call.agent_id) return 0;
    const { policy } = await RoutingConfigs.get(tx, call.org_id);
    const want = Math.max(0, policy.weights[call.media] - policy.weights.chat);
    if (want === 0) return 0;
    return CapacityStore.takeUpTo(tx, {
      orgId: call.org_id, agentId: call.agent_id, conversationId: call.conversation_id, weight: want, now, kind: 'call-take',
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
    };
  }

  private async readable(p: Principal, callId: string): Promise<CallRow> {
    const call = await CallStore.byId(this.db, callId);
    if (!call) throw new AppError('NOT_FOUND', 'No such call.');
    const c = await readableConversation(this.db, p, call.conversation_id);
    if (p.kind === 'agent' && c.agent_id !== p.agentId) throw new AppError('FORBIDDEN', 'Only the assigned agent takes part in the call.');
    return call;
  }

  private async visitorOf(tx: SqlExecutor, call: CallRow): Promise<string> {
    const [r] = await tx.query<{ visitor_id: string }>('select visitor_id from conversations where id = $1', [call.conversation_id]);
    return r!.visitor_id;
  }

  private async timeline(tx: SqlExecutor, fx: Effects, call: CallRow, event: Parameters<typeof EventStore.append>[2]): Promise<void> {
    fx.event(call.org_id, await EventStore.append(tx, { orgId: call.org_id, conversationId: call.conversation_id, now: this.clock.now() }, event));
  }

  /** An ephemeral push to one party of the call, wherever (on whichever node) their sockets are. */
  async push(call: CallRow, to: Party, message: CallServerMessage): Promise<void> {
    const [c] = await this.db.query<{ visitor_id: string; agent_id: string | null }>('select visitor_id, agent_id from conversations where id = $1', [call.conversation_id]);
    if (!c) return;
    await this.bus.publish('call.push', {
      orgId: call.org_id,
      to,
      visitorId: to === 'visitor' ? c.visitor_id : null,
      agentId: to === 'agent' ? c.agent_id : null,
      message,
    });
  }
}

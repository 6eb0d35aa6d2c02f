import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { RecordingView, SignedUrl } from '@visavis/protocol';
import { z } from 'zod';
import { AppError, notFound } from '../platform/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database, SqlExecutor } from '../ports/database.js';
import type { EventBus } from '../ports/event-bus.js';
import { isSupervisor, type AgentPrincipal, type Principal } from '../identity/index.js';
import { CallStore } from '../calls/index.js';
import { ConversationStore } from '../conversations/index.js';
import { actorOf, SYSTEM_ACTOR, type AuditActor, type AuditLog } from '../audit/index.js';
import { emit } from '../platform/events/domain-events.js';
import { decideRange, rangeStillApplies } from './http-range.js';
import { CallFactsStore, MarkStore, RecordingStore, type CallFacts, type MarkRow, type RecordingRow } from './recording-store.js';
import type { RecordingUrls } from './recording-urls.js';

const MEDIA_TYPES = ['video/webm', 'audio/webm', 'video/mp4', 'audio/mp4', 'video/x-matroska', 'audio/ogg', 'audio/opus', 'audio/wav'];
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export const RegisterRecording = z
  .object({
    callId: z.string().uuid(),
    kind: z.enum(['composite', 'participant', 'client', 'snapshot']),
    /** Whose media: required for participant, client and snapshot; null for a composite. */
    party: z.enum(['agent', 'visitor']).nullable().default(null),
    /** As MediaRecorder reports it, parameters allowed: video/webm;codecs=vp8,opus */
    mime: z.string().max(127).regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+(\s*;[ -~]*)?$/i),
    startedAt: z.coerce.date().nullable().default(null),
    durationMs: z.number().int().nonnegative().nullable().default(null),
  })
  .superRefine((r, ctx) => {
    if ((r.kind === 'composite') !== (r.party === null)) {
      ctx.addIssue({ code: 'custom', path: ['party'], message: 'a composite has no party; every other kind needs one' });
    }
    const base = r.mime.split(';')[0]!.trim().toLowerCase();
    if (!(r.kind === 'snapshot' ? IMAGE_TYPES : MEDIA_TYPES).includes(base)) {
      ctx.addIssue({ code: 'custom', path: ['mime'], message: `${base} is not accepted for a ${r.kind}` });
    }
  });
export type RegisterRecording = z.input<typeof RegisterRecording>;

export type { RecordingView };

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

export function toRecordingView(r: RecordingRow): RecordingView {
  return {
    id: r.id, callId: r.call_id, conversationId: r.conversation_id, kind: r.kind, party: r.party, mime: r.mime, size: r.size,
    sha256: r.sha256, durationMs: r.duration_ms, startedAt: iso(r.started_at), createdAt: iso(r.created_at)!,
    retentionUntil: iso(r.retention_until)!, deletedAt: iso(r.deleted_at), deletedReason: r.deleted_reason,
  };
}

export type MediaMode = 'play' | 'download';

export type OpenedMedia =
  | { kind: 'unsatisfiable'; size: number }
  | { kind: 'ok'; row: RecordingRow; etag: string; range: { start: number; end: number } | null; stream: Readable };

export interface RecordingSettings {
  maxBytes: number;
  defaultRetentionDays: number;
}

/**
 * Who may see a call's recordings: supervisors and admins of its organisation, and the agent who
 * was in the call or holds its conversation. Never visitors. Others get NOT_FOUND (ids cannot be
 * probed); visitors get FORBIDDEN, as this whole API is not theirs.
 */
export function assertCallAccess(p: Principal, call: Pick<CallFacts, 'org_id' | 'agent_id' | 'conversation_agent_id'>): AgentPrincipal {
  if (p.kind === 'visitor') throw new AppError('FORBIDDEN', 'Recordings are not available to visitors.');
  if (call.org_id !== p.orgId) throw notFound('No such call.');
  if (isSupervisor(p) || call.agent_id === p.agentId || call.conversation_agent_id === p.agentId) return p;
  throw notFound('No such call.');
}

/** How far a client-dated mark may run ahead of the server's view of the recording (clock skew, latency). */
const MARK_CLOCK_ALLOWANCE_MS = 5_000;

/** The recordings catalog: registering media files, listing them to authorized readers, playback. */
export class RecordingService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly audit: AuditLog,
    private readonly urls: RecordingUrls,
    private readonly clock: Clock,
    private readonly settings: RecordingSettings,
    /** Optional so store-level tests can build the service without realtime. */
    private readonly bus: EventBus | null = null,
  ) {}

  /** The call, if the principal may see its recordings (see assertCallAccess). */
  async access(p: Principal, callId: string, db: SqlExecutor = this.db): Promise<{ call: CallFacts; agent: AgentPrincipal }> {
    if (p.kind === 'visitor') throw new AppError('FORBIDDEN', 'Recordings are not available to visitors.');
    const call = await CallFactsStore.byId(db, callId);
    if (!call) throw notFound('No such call.');
    return { call, agent: assertCallAccess(p, call) };
  }

  /**
   * Stores a recording file (streamed into the BlobStore, size-limited and hashed on the way) and
   * catalogs it with its retention date. Called by the media side (post-processing, uploads);
   * the registration is audited, which anchors the file's SHA-256 in the audit chain.
   */
  async register(input: RegisterRecording, data: Readable, actor: AuditActor = SYSTEM_ACTOR): Promise<RecordingView> {
    const r = RegisterRecording.parse(input);
    const call = await CallFactsStore.byId(this.db, r.callId);
    if (!call) throw notFound('No such call.');
    const id = randomUUID();
    const key = `recordings/${call.org_id}/${call.id}/${id}`;
    const { size, sha256 } = await this.blobs.put(key, data, this.settings.maxBytes);
    try {
      const now = this.clock.now();
      const days = await CallFactsStore.retentionDays(this.db, call.conversation_id, this.settings.defaultRetentionDays);
      const row = await this.db.transaction(async (tx) => {
        const created = await RecordingStore.create(tx, {
          id, org_id: call.org_id, call_id: call.id, conversation_id: call.conversation_id, kind: r.kind, party: r.party,
          storage_key: key, mime: r.mime, size, sha256, duration_ms: r.durationMs, started_at: r.startedAt?.toISOString() ?? null,
          created_at: now.toISOString(), retention_until: new Date(now.getTime() + days * 86_400_000).toISOString(),
        });
        await this.audit.append(
          {
            orgId: call.org_id, actor, action: 'recording.register', target: { type: 'recording', id },
            details: { callId: call.id, kind: r.kind, party: r.party, mime: r.mime, size, sha256, durationMs: r.durationMs, retentionDays: days },
          },
          tx,
        );
        await emit(tx, call.org_id, 'recording.stored', { conversationId: call.conversation_id, callId: call.id, recordingId: id, kind: r.kind }, now);
        return created;
      });
      return toRecordingView(row);
    } catch (e) {
      await this.blobs.delete(key).catch(() => {});
      throw e;
    }
  }

  /**
   * Tells an open Recordings dialog that a file arrived (post-processing ends minutes after the
   * call): the listener of `recording.stored`, under the event's id. Only those assertCallAccess
   * admits hear it; a lost push costs a reopen, never data.
   */
  async announce(recordingId: string, eventId: string): Promise<void> {
    if (!this.bus) return;
    const row = await RecordingStore.byId(this.db, recordingId);
    const call = row && (await CallFactsStore.byId(this.db, row.call_id));
    if (!row || !call) return; // deleted by retention meanwhile: nothing to announce
    const agentIds = [...new Set([call.agent_id, call.conversation_agent_id].filter((a): a is string => a !== null))];
    await this.bus.publish('recording.ready', { orgId: call.org_id, agentIds, recording: toRecordingView(row) }, { id: eventId });
  }

  async listForCall(p: Principal, callId: string): Promise<RecordingView[]> {
    const { call } = await this.access(p, callId);
    return (await RecordingStore.forCall(this.db, call.id)).map(toRecordingView);
  }

  /** The recordings of every call of the conversation that the principal may see. */
  async listForConversation(p: Principal, conversationId: string): Promise<RecordingView[]> {
    if (p.kind === 'visitor') throw new AppError('FORBIDDEN', 'Recordings are not available to visitors.');
    const c = await ConversationStore.byId(this.db, conversationId);
    if (!c || c.org_id !== p.orgId) throw notFound('No such conversation.');
    // Who took each call: the calls module's rows, one read for all of the conversation's calls.
    const callAgent = new Map((await CallStore.forConversation(this.db, conversationId)).map((k) => [k.id, k.agent_id]));
    const rows = (await RecordingStore.forConversation(this.db, conversationId)).map((r) => ({ ...r, call_agent_id: callAgent.get(r.call_id) ?? null }));
    const mine = rows.filter((r) => isSupervisor(p) || c.agent_id === p.agentId || r.call_agent_id === p.agentId);
    if (!isSupervisor(p) && c.agent_id !== p.agentId && mine.length === 0) throw notFound('No such conversation.');
    return mine.map((r) => toRecordingView(r));
  }

  private async readable(p: Principal, recordingId: string): Promise<{ row: RecordingRow; agent: AgentPrincipal }> {
    const row = await RecordingStore.byId(this.db, recordingId);
    if (!row) throw notFound('No such recording.');
    const { agent } = await this.access(p, row.call_id);
    if (row.deleted_at) throw new AppError('RECORDING_DELETED');
    return { row, agent };
  }

  /** A short-lived link for <video src> (play) or a download, bound to this agent. */
  async mediaUrl(p: Principal, recordingId: string, mode: MediaMode): Promise<SignedUrl> {
    const { row, agent } = await this.readable(p, recordingId);
    return this.urls.sign(mode, row.id, agent.agentId);
  }

  /**
   * Serves a signed link to the agent it was minted for. Every request that gets bytes is audited
   * first (who, which recording, which range), so nothing is served unrecorded.
   */
  async open(
    p: AgentPrincipal,
    recordingId: string,
    link: { mode: MediaMode; exp: number; sig: string },
    headers: { range?: string | undefined; ifRange?: string | undefined },
    client: { ip: string; userAgent: string | null },
  ): Promise<OpenedMedia> {
    if (!this.urls.verify(link.mode, recordingId, p.agentId, link.exp, link.sig)) throw new AppError('FORBIDDEN', 'The link is invalid or expired.');
    const { row } = await this.readable(p, recordingId);
    const etag = `"${row.sha256}"`;
    const decision = rangeStillApplies(headers.ifRange, etag) ? decideRange(headers.range, row.size) : ({ kind: 'full' } as const);
    if (decision.kind === 'unsatisfiable') return { kind: 'unsatisfiable', size: row.size };
    const range = decision.kind === 'partial' ? { start: decision.start, end: decision.end } : null;
    await this.audit.append({
      orgId: row.org_id, actor: actorOf(p), action: `recording.${link.mode}`, target: { type: 'recording', id: row.id },
      details: {
        callId: row.call_id, range: range ? `bytes=${range.start}-${range.end}` : null,
        bytes: range ? range.end - range.start + 1 : row.size, size: row.size, ip: client.ip, userAgent: client.userAgent?.slice(0, 200) ?? null,
      },
    });
    const stream = await this.blobs.get(row.storage_key, range ?? undefined);
    return { kind: 'ok', row, etag, range, stream };
  }

  /**
   * Script marks: the agent in the call (or a supervisor) notes a moment, e.g. "consent read out".
   * Only while the call is live and recorded, and only at a time inside its recording so far (a
   * small allowance for the browser's clock): a mark added after the call, or dated outside the
   * recording, would be evidence of something the recording does not show (MARK_OUTSIDE_RECORDING).
   */
  async addMark(p: Principal, callId: string, input: { atMs?: number | undefined; label: string }): Promise<MarkRow> {
    const { call, agent } = await this.access(p, callId);
    return this.db.transaction(async (tx) => {
      const live = await CallStore.lock(tx, call.id);
      if (live?.status !== 'active' || (live.recording_state !== 'starting' && live.recording_state !== 'running')) {
        throw new AppError('MARK_OUTSIDE_RECORDING', 'Marks can only be set while the call is live and recorded.');
      }
      const elapsedMs = await this.elapsedMs(tx, call.id);
      if (input.atMs !== undefined && input.atMs > elapsedMs + MARK_CLOCK_ALLOWANCE_MS) {
        throw new AppError('MARK_OUTSIDE_RECORDING', 'The mark is dated after the recording so far.', { atMs: input.atMs, recordedMs: elapsedMs });
      }
      const atMs = input.atMs ?? elapsedMs;
      const mark = await MarkStore.add(tx, { orgId: call.org_id, callId: call.id, atMs, label: input.label, createdBy: agent.agentId });
      await this.audit.append(
        { orgId: call.org_id, actor: actorOf(p), action: 'call.mark', target: { type: 'call', id: call.id }, details: { markId: mark.id, atMs: mark.at_ms, label: mark.label } },
        tx,
      );
      return mark;
    });
  }

  /** Milliseconds since the call's recording was confirmed running (else since it was answered, else created). */
  private async elapsedMs(tx: SqlExecutor, callId: string): Promise<number> {
    const k = await CallStore.byId(tx, callId);
    const since = k!.recording_started_at ?? k!.answered_at ?? k!.created_at;
    return Math.max(0, this.clock.now().getTime() - new Date(since).getTime());
  }

  async marks(p: Principal, callId: string): Promise<MarkRow[]> {
    const { call } = await this.access(p, callId);
    return MarkStore.forCall(this.db, call.id);
  }
}

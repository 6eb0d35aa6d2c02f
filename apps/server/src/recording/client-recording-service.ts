import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError, notFound } from '../platform/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import type { Principal } from '../identity/index.js';
import { Commands } from '../platform/outbox/commands.js';
import { actorOf, SYSTEM_ACTOR, type AuditActor } from '../audit/index.js';
import { ClientRecordingStore, type UploadRow } from './client-recording-store.js';
import { CallFactsStore, RecordingStore, type CallFacts, type RecordingParty } from './recording-store.js';
import { toRecordingView, type RecordingService, type RecordingView } from './recording-service.js';

export interface ClientRecordingSettings {
  /** Largest chunk (one PUT). */
  chunkMaxBytes: number;
  /** Largest whole upload (RECORDING_MAX_MB): the chunks of one call and party together. */
  totalMaxBytes: number;
  /** Chunks are still taken this long after the call ended (the recorder's last slices). */
  trailingMs: number;
  /** An upload nobody finished is finished by the server this long after the call ended. */
  abandonAfterMs: number;
  /** While a call is live, how often the abandonment job looks again. */
  recheckMs: number;
  /** How long one finisher holds an upload before another may take over (crash). */
  leaseMs: number;
}

export const CLIENT_RECORDING_DEFAULTS: Omit<ClientRecordingSettings, 'totalMaxBytes'> = {
  chunkMaxBytes: 16 * 1024 * 1024,
  trailingMs: 2 * 60_000,
  abandonAfterMs: 3 * 60_000,
  recheckMs: 5 * 60_000,
  leaseMs: 10 * 60_000,
};

/** What a chunk may be: MediaRecorder's webm, with parameters (codecs=vp8,opus). */
export const ChunkMime = z
  .string()
  .max(127)
  .regex(/^(video|audio)\/webm(\s*;[ -~]*)?$/i, 'a chunk is video/webm or audio/webm');

export const FinishInput = z.object({
  mime: ChunkMime.optional(),
  startedAt: z.coerce.date().nullable().default(null),
  durationMs: z.number().int().nonnegative().max(7 * 86_400_000).nullable().default(null),
});
export type FinishInput = z.input<typeof FinishInput>;

export interface ChunkResult {
  seq: number;
  size: number;
  sha256: string;
  /** The same bytes were already stored under this seq (a resend): nothing changed. */
  duplicate: boolean;
}

export interface FinishResult {
  /** finished: the recording is catalogued (null when no chunk was ever stored); finishing: another finisher is at it. */
  state: 'finished' | 'finishing';
  recording: RecordingView | null;
}

/**
 * Client-side recording (docs/compliance.md): the agent's browser records the call and uploads
 * it in chunks while the call runs, so a failure of the server-side recording still leaves one.
 * Chunks are stored as blobs, idempotent per seq; finishing concatenates them in seq order into
 * one recording of kind `client` through the catalog (hashed, audited) and deletes the chunks.
 * An upload nobody finishes (the browser closed mid-call) is finished by an outbox job a few
 * minutes after the call ended.
 */
export class ClientRecordingService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly recordings: RecordingService,
    private readonly clock: Clock,
    private readonly settings: ClientRecordingSettings,
  ) {}

  /** The call, if this principal is its agent; who else asks learns nothing (NOT_FOUND). */
  private async callOfAgent(p: Principal, callId: string): Promise<CallFacts> {
    if (p.kind === 'visitor') throw new AppError('FORBIDDEN', 'Only the agent of the call uploads its client recording.');
    const call = await CallFactsStore.byId(this.db, callId);
    if (!call || call.org_id !== p.orgId || call.agent_id !== p.agentId) throw notFound('No such call.');
    return call;
  }

  private async assertRecorded(call: CallFacts): Promise<void> {
    // The policy the call started with (CallService copies it onto the call); none = not recorded.
    const mode = (await ClientRecordingStore.callPolicyMode(this.db, call.id)) ?? 'off';
    if (mode === 'off') throw new AppError('FORBIDDEN', 'This call is not recorded.');
  }

  /** Stores chunk `seq` of the agent's recording of the call. */
  async putChunk(p: Principal, callId: string, seq: number, mime: string, data: Readable, declaredBytes?: number): Promise<ChunkResult> {
    const call = await this.callOfAgent(p, callId);
    const party: RecordingParty = 'agent';
    const now = this.clock.now();
    if (call.status === 'ringing') throw new AppError('CALL_NOT_RINGING', 'The call has not started yet.');
    if (call.status === 'ended' && (!call.ended_at || new Date(call.ended_at).getTime() + this.settings.trailingMs < now.getTime())) {
      throw new AppError('CALL_NOT_RINGING', 'The call ended too long ago for more recording.');
    }
    await this.assertRecorded(call);
    const type = ChunkMime.parse(mime);
    if (declaredBytes !== undefined && declaredBytes > this.settings.chunkMaxBytes) throw new AppError('PAYLOAD_TOO_LARGE');

    await this.db.transaction(async (tx) => {
      const fresh = await ClientRecordingStore.open(tx, { callId, party, orgId: call.org_id, mime: type, now });
      // A safety net scheduled with the first chunk: the job looks again while the call is live.
      if (fresh) await Commands.send(tx, call.org_id, 'client_recording.finish', { orgId: call.org_id, callId, party }, new Date(now.getTime() + this.settings.recheckMs));
    });
    const before = (await ClientRecordingStore.get(this.db, callId, party))!;
    if (before.state !== 'open') return this.resent(callId, party, seq, data);
    const room = this.settings.totalMaxBytes - before.total_bytes;
    if (room <= 0 || (declaredBytes !== undefined && declaredBytes > room)) throw new AppError('PAYLOAD_TOO_LARGE', 'The recording is too large.');

    const key = `client-recordings/${call.org_id}/${call.id}/${party}/${seq}-${randomUUID()}`;
    const { size, sha256 } = await this.blobs.put(key, data, Math.min(this.settings.chunkMaxBytes, room));
    let keep = false;
    try {
      const result = await this.db.transaction(async (tx): Promise<ChunkResult> => {
        const u = await ClientRecordingStore.lock(tx, callId, party);
        const existing = await ClientRecordingStore.chunk(tx, callId, party, seq);
        if (existing) return same(existing.sha256, { seq, size, sha256 });
        if (!u || u.state !== 'open') throw new AppError('INVALID_TRANSITION', 'The recording was already finished.');
        if (u.total_bytes + size > this.settings.totalMaxBytes) throw new AppError('PAYLOAD_TOO_LARGE', 'The recording is too large.');
        await ClientRecordingStore.addChunk(tx, { callId, party, seq, key, size, sha256, now: this.clock.now() });
        keep = true;
        return { seq, size, sha256, duplicate: false };
      });
      return result;
    } finally {
      if (!keep) await this.blobs.delete(key).catch(() => undefined);
    }
  }

  /** A chunk sent after finishing: fine if it is a resend of stored bytes, refused otherwise. */
  private async resent(callId: string, party: RecordingParty, seq: number, data: Readable): Promise<ChunkResult> {
    const existing = await ClientRecordingStore.chunk(this.db, callId, party, seq);
    if (!existing) {
      data.resume();
      throw new AppError('INVALID_TRANSITION', 'The recording was already finished.');
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const b of data as AsyncIterable<Buffer>) {
      size += b.length;
      if (size > this.settings.chunkMaxBytes) throw new AppError('PAYLOAD_TOO_LARGE');
      hash.update(b);
    }
    return same(existing.sha256, { seq, size, sha256: hash.digest('hex') });
  }

  /** The agent's recorder stopped: join the chunks into the catalogued recording. */
  async finish(p: Principal, callId: string, input: FinishInput): Promise<FinishResult> {
    const call = await this.callOfAgent(p, callId);
    const meta = FinishInput.parse(input);
    const u = await ClientRecordingStore.get(this.db, call.id, 'agent');
    if (!u) throw notFound('No client recording was uploaded for this call.');
    return this.complete(u, { mime: meta.mime ?? u.mime, startedAt: meta.startedAt, durationMs: meta.durationMs }, actorOf(p), 'agent');
  }

  /** The outbox job: finishes an upload nobody finished, once the call is over and its trailing chunks are in. */
  async finishAbandoned(callId: string, party: RecordingParty): Promise<void> {
    const u = await ClientRecordingStore.get(this.db, callId, party);
    if (!u || u.state === 'finished') return;
    const call = await CallFactsStore.byId(this.db, callId);
    if (!call) return;
    const now = this.clock.now();
    const due = call.status === 'ended' && call.ended_at ? new Date(call.ended_at).getTime() + this.settings.abandonAfterMs : now.getTime() + this.settings.recheckMs;
    if (due > now.getTime()) return this.schedule(u.org_id, callId, party, new Date(due));
    const r = await this.complete(u, { mime: u.mime, startedAt: new Date(u.created_at), durationMs: null }, SYSTEM_ACTOR, 'system');
    if (r.state === 'finishing') await this.schedule(u.org_id, callId, party, new Date(now.getTime() + this.settings.leaseMs));
  }

  /** A call ended: if its agent's upload is still open, schedule the abandonment check. */
  async afterCallEnded(callId: string): Promise<void> {
    const u = await ClientRecordingStore.get(this.db, callId, 'agent');
    if (!u || u.state === 'finished') return;
    const call = await CallFactsStore.byId(this.db, callId);
    const ended = call?.ended_at ? new Date(call.ended_at).getTime() : this.clock.now().getTime();
    await this.schedule(u.org_id, callId, 'agent', new Date(ended + this.settings.abandonAfterMs));
  }

  private async schedule(orgId: string, callId: string, party: RecordingParty, at: Date): Promise<void> {
    await this.db.transaction((tx) => Commands.send(tx, orgId, 'client_recording.finish', { orgId, callId, party }, at));
  }

  /**
   * Joins the stored chunks, in seq order, into one recording. One finisher at a time (a lease on
   * the upload row); a recording already in the catalog for this call and party (a finisher that
   * died after registering) is adopted instead of registered again, so finishing twice registers once.
   */
  private async complete(
    u: UploadRow,
    meta: { mime: string; startedAt: Date | null; durationMs: number | null },
    actor: AuditActor,
    by: 'agent' | 'system',
  ): Promise<FinishResult> {
    const { call_id: callId, party } = u;
    const claimed = await ClientRecordingStore.claim(this.db, callId, party, this.clock.now(), this.settings.leaseMs);
    if (!claimed) {
      const now = (await ClientRecordingStore.get(this.db, callId, party))!;
      if (now.state === 'finished') return { state: 'finished', recording: await this.view(now.recording_id) };
      return { state: 'finishing', recording: null };
    }
    const chunks = await ClientRecordingStore.storedChunks(this.db, callId, party);
    let recordingId = await ClientRecordingStore.registered(this.db, callId, party);
    try {
      if (!recordingId && chunks.length > 0) {
        const blobs = this.blobs;
        const joined = Readable.from(
          (async function* () {
            for (const c of chunks) yield* (await blobs.get(c.storage_key!)) as AsyncIterable<Buffer>;
          })(),
          { objectMode: false },
        );
        const view = await this.recordings.register(
          { callId, kind: 'client', party, mime: meta.mime, startedAt: meta.startedAt, durationMs: meta.durationMs },
          joined,
          actor,
        );
        recordingId = view.id;
      }
      await this.db.transaction((tx) => ClientRecordingStore.finished(tx, callId, party, recordingId, by, this.clock.now()));
    } catch (e) {
      await ClientRecordingStore.release(this.db, callId, party).catch(() => undefined);
      throw e;
    }
    for (const c of chunks) await this.blobs.delete(c.storage_key!).catch(() => undefined);
    return { state: 'finished', recording: await this.view(recordingId) };
  }

  private async view(recordingId: string | null): Promise<RecordingView | null> {
    if (!recordingId) return null;
    const row = await RecordingStore.byId(this.db, recordingId);
    return row ? toRecordingView(row) : null;
  }
}

/** A second upload of a seq: the same bytes are a harmless resend, other bytes a conflict. */
function same(stored: string, got: Omit<ChunkResult, 'duplicate'>): ChunkResult {
  if (stored !== got.sha256) throw new AppError('INVALID_TRANSITION', `Chunk ${got.seq} was already stored with other content.`);
  return { ...got, duplicate: true };
}

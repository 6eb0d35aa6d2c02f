import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError, notFound } from '../platform/errors.js';
import { actorOf } from '../audit/index.js';
import type { RecordingService } from '../recording/index.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import { readableConversation, ConversationStore, recordTimeline } from '../conversations/index.js';
import type { Principal } from '../identity/index.js';
import type { UnitOfWork } from '../platform/outbox/unit-of-work.js';
import type { CallService } from './call-service.js';
import { CallStore, type CallRow } from './call-store.js';
import { imageSize, STILL_TYPES, type StillMime } from './image-header.js';

export interface SnapshotSettings {
  /** How long the visitor's browser has to start the upload after the agent asked. */
  requestTtlMs: number;
  /** Largest still accepted, in bytes. */
  maxBytes: number;
}

export const DEFAULT_SNAPSHOT_SETTINGS: SnapshotSettings = { requestTtlMs: 60_000, maxBytes: 10 * 1024 * 1024 };

/** The timeline's limit on a snapshot's sides (model.ts). */
const MAX_SIDE = 10_000;

interface RequestRow {
  id: string;
  call_id: string;
  expires_at: string | Date;
  recording_id: string | null;
}

export interface SnapshotResult {
  recordingId: string;
  width: number;
  height: number;
  size: number;
}

/**
 * Reads a stream into memory, refusing it once it passes `max` bytes. The rest of an oversized
 * body is read and dropped rather than the socket cut, so the client gets its 413 answer.
 */
function readAll(stream: Readable, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    stream.on('data', (chunk: Buffer | string) => {
      if (over) return;
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        reject(new AppError('PAYLOAD_TOO_LARGE', `A snapshot may be at most ${Math.floor(max / 1024 / 1024)} MB.`));
        return;
      }
      chunks.push(b);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/**
 * HD snapshots: the agent asks, the visitor's browser takes a still from its camera at the
 * camera's own resolution (not from the call's encoded stream, which may be degraded) and uploads
 * it against the request. The still becomes a recording of kind `snapshot` (stored, hashed,
 * audited by the recordings catalog) and a `call.snapshot` timeline event both parties see.
 */
export class SnapshotService {
  /** Requests being uploaded on this node: a second upload for one request waits its turn and fails. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly calls: CallService,
    private readonly recordings: RecordingService,
    private readonly settings: SnapshotSettings = DEFAULT_SNAPSHOT_SETTINGS,
  ) {}

  /** The call's agent asks for a still; the visitor's browser is told over its socket. */
  async request(p: Principal, callId: string): Promise<{ requestId: string; expiresAt: string }> {
    if (p.kind !== 'agent') throw new AppError('FORBIDDEN', 'Only the agent in the call asks for a snapshot.');
    const call = await this.callFor(p, callId);
    if (call.agent_id !== p.agentId) throw new AppError('FORBIDDEN', 'Only the agent in the call asks for a snapshot.');
    if (call.status !== 'active') throw new AppError('CALL_NOT_RINGING');
    if (call.media !== 'video') throw new AppError('CALL_NOT_POSSIBLE', 'A snapshot needs a video call.');
    const now = this.clock.now();
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + this.settings.requestTtlMs);
    await this.db.query(
      `insert into snapshot_requests (id, org_id, call_id, requested_by, requested_at, expires_at) values ($1, $2, $3, $4, $5, $6)`,
      [id, call.org_id, call.id, p.agentId, now.toISOString(), expiresAt.toISOString()],
    );
    await this.calls.push(call, 'visitor', { type: 'call.snapshot_request', callId: call.id, requestId: id });
    return { requestId: id, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The visitor's upload for an open request: checked (type by its bytes, size, real pixel
   * size), catalogued as a recording and announced in the timeline. The request must have been
   * made in this call, not have expired when the upload starts, and not have been used.
   */
  async fulfil(p: Principal, callId: string, requestId: string, mime: string, data: Readable): Promise<SnapshotResult> {
    if (p.kind !== 'visitor') throw new AppError('FORBIDDEN', 'Only the visitor in the call sends a snapshot.');
    const call = await this.callFor(p, callId);
    const type = mime.split(';')[0]!.trim().toLowerCase() as StillMime;
    if (!STILL_TYPES.includes(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'A snapshot is a JPEG, PNG or WebP image.');
    if (this.inFlight.has(requestId)) throw new AppError('SNAPSHOT_NOT_REQUESTED', 'This request is being answered already.');
    await this.openRequest(call, requestId);
    this.inFlight.add(requestId);
    try {
      const bytes = await readAll(data, this.settings.maxBytes);
      const size = imageSize(bytes, type);
      if (!size) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file is not a readable ${type} image.`);
      if (size.width > MAX_SIDE || size.height > MAX_SIDE) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The image is too large in pixels.');
      // The request may have been used meanwhile by an upload on another node.
      await this.openRequest(call, requestId, true);
      const rec = await this.recordings.register(
        { callId: call.id, kind: 'snapshot', party: 'visitor', mime: type, startedAt: this.clock.now() },
        Readable.from([bytes]),
        actorOf(p),
      );
      await this.uow.run(async (tx, fx) => {
        const used = await tx.query(
          `update snapshot_requests set recording_id = $2 where id = $1 and recording_id is null returning id`,
          [requestId, rec.id],
        );
        if (used.length === 0) throw new AppError('SNAPSHOT_NOT_REQUESTED', 'This request was answered already.');
        await ConversationStore.lock(tx, call.conversation_id);
        await recordTimeline(
          tx,
          fx,
          { orgId: call.org_id, conversationId: call.conversation_id, now: this.clock.now() },
          { type: 'call.snapshot', callId: call.id, recordingId: rec.id, width: size.width, height: size.height },
        );
      });
      return { recordingId: rec.id, width: size.width, height: size.height, size: rec.size };
    } finally {
      this.inFlight.delete(requestId);
    }
  }

  /** The call, if the principal is one of its parties (others: NOT_FOUND, as for conversations). */
  private async callFor(p: Principal, callId: string): Promise<CallRow> {
    const call = await CallStore.byId(this.db, callId);
    if (!call || call.org_id !== p.orgId) throw notFound('No such call.');
    await readableConversation(this.db, p, call.conversation_id);
    return call;
  }

  private async openRequest(call: CallRow, requestId: string, ignoreExpiry = false): Promise<void> {
    const [r] = await this.db.query<RequestRow>(
      'select id, call_id, expires_at, recording_id from snapshot_requests where id::text = $1 and call_id = $2',
      [requestId, call.id],
    );
    if (!r) throw new AppError('SNAPSHOT_NOT_REQUESTED');
    if (r.recording_id) throw new AppError('SNAPSHOT_NOT_REQUESTED', 'This request was answered already.');
    if (!ignoreExpiry && new Date(r.expires_at).getTime() <= this.clock.now().getTime()) {
      throw new AppError('SNAPSHOT_NOT_REQUESTED', 'The snapshot request expired.');
    }
  }
}

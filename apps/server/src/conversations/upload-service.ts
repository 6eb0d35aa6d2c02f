import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ALLOWED_UPLOAD_TYPES, LIMITS, type Attachment } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import { BlobTooLargeError, type BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import { BlobMetaStore, type BlobRow } from './blob-meta-store.js';
import { canWrite, readableConversation } from './access.js';
import type { BlobUrls } from './blob-urls.js';
import { cleanFileName } from './file-names.js';
import type { Principal } from '../identity/index.js';
import type { UploadQuota } from './upload-quota.js';

/** Magic numbers of the image types we accept; a declared image/* must match its bytes. */
const SIGNATURES: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

/** Reads the first bytes of a stream and gives them back together with the untouched stream. */
async function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; rest: Readable }> {
  // Iterate by hand: `break` out of `for await` would destroy the source stream.
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, rest: Readable.from(replay(), { objectMode: false }) };
}

export class UploadService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly urls: BlobUrls,
    private readonly quota: UploadQuota,
    private readonly clock: Clock,
  ) {}

  async upload(
    p: Principal,
    conversationId: string,
    file: { filename: string; mimetype: string; stream: Readable },
  ): Promise<Attachment> {
    const c = await readableConversation(this.db, p, conversationId);
    if (!canWrite(p, c)) throw new AppError('FORBIDDEN');
    if (c.status === 'closed') throw new AppError('CONVERSATION_CLOSED');
    const mime = file.mimetype.toLowerCase();
    if (!ALLOWED_UPLOAD_TYPES.includes(mime)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    const { head, rest } = await peek(file.stream, 16);
    const check = SIGNATURES[mime];
    if (check && !check(head)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file content does not match its type.');
    const quota = await this.quota.reserve({ orgId: c.org_id, visitorId: p.kind === 'visitor' ? p.visitorId : null }, this.clock.now());
    const id = randomUUID();
    const key = `${c.org_id}/${c.id}/${id}`;
    // The quota's bytes left cap the stream too: an upload never overshoots it by a whole file.
    const maxBytes = Math.min(LIMITS.uploadBytes, quota.bytesLeft);
    let stored: { size: number; sha256: string };
    try {
      stored = await this.blobs.put(key, rest, maxBytes);
    } catch (e) {
      if (e instanceof BlobTooLargeError && maxBytes < LIMITS.uploadBytes) throw new AppError('QUOTA_EXCEEDED', undefined, { bytesLeft: maxBytes });
      throw e;
    }
    await this.quota.addBytes(quota, stored.size);
    const row = await BlobMetaStore.create(this.db, {
      id,
      org_id: c.org_id,
      conversation_id: c.id,
      uploader_kind: p.kind,
      uploader_id: p.kind === 'visitor' ? p.visitorId : p.agentId,
      name: cleanFileName(file.filename, mime),
      mime,
      size: stored.size,
      sha256: stored.sha256,
      storage_key: key,
    });
    return { blobId: row.id, name: row.name, mime: row.mime, size: row.size, url: this.urls.sign(row.id) };
  }

  /** Serving needs a valid signature (minted only for authorized readers) and an existing blob. */
  async open(blobId: string, exp: number, sig: string): Promise<{ row: BlobRow; stream: Readable }> {
    if (!this.urls.verify(blobId, exp, sig)) throw new AppError('FORBIDDEN', 'The link is invalid or expired.');
    const row = await BlobMetaStore.byId(this.db, blobId);
    if (!row) throw new AppError('NOT_FOUND');
    if (row.deleted_at) throw new AppError('ATTACHMENT_EXPIRED');
    return { row, stream: await this.blobs.get(row.storage_key) };
  }
}

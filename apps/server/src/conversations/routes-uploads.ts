import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { z } from 'zod';
import { LIMITS, type UploadAnswer } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import { BlobTooLargeError } from '../ports/blob-store.js';
import type { UploadService } from './upload-service.js';
import { registerAttachmentRetentionRoutes, type AttachmentRetentionRouteDeps } from './routes-attachment-retention.js';

/**
 * What a multipart upload may contain: one file and at most a few small fields. Everything else
 * is refused as it arrives, so a flood of fields before the file (300 × 1 MiB once cost 213 MiB of
 * RSS) is neither buffered nor read to its end. Registered as the plugin's defaults (app.ts).
 */
export const MULTIPART_LIMITS = {
  fieldNameSize: 100,
  fieldSize: 1024,
  fields: 4,
  files: 1,
  parts: 5,
  headerPairs: 20,
  // One byte over the limit so the blob store sees, and refuses, a file that is too large.
  fileSize: LIMITS.uploadBytes + 1,
};

const BOUNDARY = /;\s*boundary=("?)[^";\s]{1,70}\1/i;

/**
 * A refused upload's remaining body is read and thrown away up to these bounds, then the
 * connection is cut (a "lingering close", as web servers do). Cutting at once would reset the
 * connection while the client is still sending, and many clients (Node 24's fetch, browsers on a
 * slow link) then lose the answer and its code; reading all of it would let one request make the
 * server read hundreds of MiB. Nothing read here is kept.
 */
const REFUSED_BODY_DRAIN_BYTES = 8 * 1024 * 1024;
const REFUSED_BODY_DRAIN_MS = 5_000;

function drainRefusedBody(raw: IncomingMessage): void {
  if (raw.complete) return;
  let read = 0;
  const cut = () => raw.socket?.destroy();
  const timer = setTimeout(cut, REFUSED_BODY_DRAIN_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read > REFUSED_BODY_DRAIN_BYTES) cut();
  };
  raw.on('data', onData);
  raw.once('close', () => {
    clearTimeout(timer);
    raw.off('data', onData);
  });
}

/** A parser error of the multipart body -> a stable code; anything else is passed through. */
function multipartError(e: unknown): unknown {
  if (e instanceof AppError || e instanceof BlobTooLargeError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') return new AppError('MULTIPART_LIMIT_EXCEEDED');
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE');
  return new AppError('MALFORMED_MULTIPART');
}

export interface UploadRouteDeps extends AttachmentRetentionRouteDeps {
  uploads: UploadService;
  ratePerMinute: number;
}

export async function registerUploadRoutes(app: FastifyInstance, d: UploadRouteDeps): Promise<void> {
  await registerAttachmentRetentionRoutes(app, d);
  const rateLimit = { max: d.ratePerMinute, timeWindow: 60_000 };
  app.post('/api/uploads', { config: { rateLimit } }, async (req): Promise<UploadAnswer> => {
    try {
      const p = await d.who.any(req);
      const { conversationId } = z.object({ conversationId: z.string().uuid() }).parse(req.query);
      if (!req.isMultipart()) throw new AppError('BAD_REQUEST', 'Send the file as multipart/form-data, field "file".');
      if (!BOUNDARY.test(req.headers['content-type'] ?? '')) throw new AppError('MALFORMED_MULTIPART', 'The multipart/form-data content type has no boundary.');
      let file: MultipartFile | undefined;
      try {
        file = await req.file({ limits: MULTIPART_LIMITS });
      } catch (e) {
        throw multipartError(e);
      }
      if (!file) throw new AppError('BAD_REQUEST', 'No file in the request.');
      // An error of the file stream is the body's fault (cut off, malformed), not the server's.
      let streamFailed = false;
      file.file.once('error', () => (streamFailed = true));
      try {
        const attachment = await d.uploads.upload(p, conversationId, { filename: file.filename, mimetype: file.mimetype, stream: file.file });
        if (file.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE');
        return { attachment };
      } catch (e) {
        throw streamFailed ? multipartError(e) : e;
      }
    } catch (e) {
      drainRefusedBody(req.raw);
      throw e;
    }
  });
}

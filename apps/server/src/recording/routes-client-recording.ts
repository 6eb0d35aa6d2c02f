import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ClientRecordingChunkAnswer, ClientRecordingFinishAnswer } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import { ChunkMime, FinishInput, type ClientRecordingService } from './client-recording-service.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface ClientRecordingRouteDeps {
  who: RequestAuth;
  clientRecordings: ClientRecordingService;
}

const Params = z.object({ id: z.string().uuid() });
const ChunkParams = Params.extend({ seq: z.coerce.number().int().min(0).max(1_000_000) });

/**
 * The agent browser's recording of a call (docs/compliance.md, client recording):
 * `PUT /api/calls/:id/client-recording/chunks/:seq` with the MediaRecorder slice as the raw body
 * (video/webm or audio/webm), then `POST /api/calls/:id/client-recording/finish`.
 */
export async function registerClientRecordingRoutes(app: FastifyInstance, d: ClientRecordingRouteDeps): Promise<void> {
  // A scope of its own: the raw webm body parser applies to these routes only; the body is handed
  // on as the request stream and the service stores it with its size limits.
  await app.register(async (scope) => {
    scope.addContentTypeParser(/^(video|audio)\/webm(\s*;.*)?$/i, (_req, payload, done) => done(null, payload));
    scope.put('/api/calls/:id/client-recording/chunks/:seq', async (req, reply) => {
      const p = await d.who.any(req);
      const { id, seq } = ChunkParams.parse(req.params);
      const mime = req.headers['content-type'] ?? '';
      if (!ChunkMime.safeParse(mime).success) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'A chunk is video/webm or audio/webm.');
      const length = req.headers['content-length'];
      const declared = length === undefined ? undefined : Number(length);
      const chunk = await d.clientRecordings.putChunk(
        p,
        id,
        seq,
        mime,
        req.body as Readable,
        Number.isFinite(declared) ? declared : undefined,
      );
      return reply.code(chunk.duplicate ? 200 : 201).send({ chunk } satisfies ClientRecordingChunkAnswer);
    });
    scope.post('/api/calls/:id/client-recording/finish', async (req): Promise<ClientRecordingFinishAnswer> => {
      const p = await d.who.any(req);
      const { id } = Params.parse(req.params);
      return d.clientRecordings.finish(p, id, FinishInput.parse(req.body ?? {}));
    });
  });
}

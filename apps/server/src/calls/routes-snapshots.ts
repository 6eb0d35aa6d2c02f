import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SnapshotAnswer } from '@visavis/protocol';
import type { SnapshotService } from './snapshot-service.js';
import { STILL_TYPES } from './image-header.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface SnapshotRouteDeps {
  who: RequestAuth;
  snapshots: SnapshotService;
}

const IdParam = z.object({ id: z.string().uuid() });
const Query = z.object({ requestId: z.string().uuid() });

/**
 * The visitor's HD snapshot upload: `POST /api/calls/:id/snapshots?requestId=…` with the image
 * itself as the body (Content-Type image/jpeg, image/png or image/webp). The agent's request goes
 * over the WebSocket (`call.snapshot_request`); agents read the still as a recording.
 */
export async function registerSnapshotRoutes(app: FastifyInstance, d: SnapshotRouteDeps): Promise<void> {
  // In a scope of its own: the raw-image body parser applies to this route only. The body is
  // handed on as the request stream; the service reads it with its size limit, after the checks.
  await app.register(async (scope) => {
    scope.addContentTypeParser([...STILL_TYPES], (_req, payload, done) => done(null, payload));
    scope.post('/api/calls/:id/snapshots', async (req, reply) => {
      const p = await d.who.any(req);
      const { id } = IdParam.parse(req.params);
      const { requestId } = Query.parse(req.query);
      const mime = req.headers['content-type'] ?? '';
      const snapshot = await d.snapshots.fulfil(p, id, requestId, mime, req.body as Readable);
      return reply.code(201).send({ snapshot } satisfies SnapshotAnswer);
    });
  });
}

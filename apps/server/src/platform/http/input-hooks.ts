import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toErrorBody } from '../errors.js';
import { assertSafeInput, endWithError, parseBoundedJson } from '../input-guard.js';

/**
 * The HTTP side of the input boundary (the WebSocket side is ws/gateway.ts): whatever a client
 * sends in the request line, headers, query, route parameters or JSON body becomes a 4xx with a
 * catalog code before a route runs, never a 500 or a crash.
 */
export function registerInputGuards(app: FastifyInstance): void {
  // JSON bodies: depth bounded before parsing; NUL, lone surrogates and prototype keys refused.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      if ((body as string).length === 0) throw new AppError('MALFORMED_JSON', 'The JSON body is empty.');
      const value = parseBoundedJson(body as string);
      assertSafeInput(value);
      done(null, value);
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  // Query strings and path parameters reach SQL as text: the same NUL / surrogate rule applies.
  app.addHook('preValidation', async (req) => {
    assertSafeInput(req.query);
    assertSafeInput(req.params);
  });
}

/**
 * Fastify's own refusals before a route is found (a path with a broken percent-encoding such as
 * `/api/calls/%`): answered like every other error, with a catalog code.
 */
export function frameworkErrors(error: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const e = new AppError('BAD_REQUEST', error.code === 'FST_ERR_BAD_URL' ? 'The URL does not parse.' : undefined);
  void reply.code(e.httpStatus).send({ error: toErrorBody(e) });
}

/**
 * Requests Node's HTTP parser refuses (bad request line, bad or oversized headers): a 400 (431
 * for oversized headers) with a catalog code in the body, then the connection closes.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const e = new AppError('BAD_REQUEST', tooLarge ? 'The request headers are too large.' : 'The request does not parse.');
  endWithError(socket, tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request', e);
}

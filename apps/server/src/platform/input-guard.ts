import type { Duplex } from 'node:stream';
import { findInputProblem, jsonDepthExceeds, MAX_JSON_DEPTH } from '@visavis/protocol';
import { AppError, toErrorBody } from './errors.js';

/**
 * The one place client input (a WebSocket frame, a JSON body, query and route parameters) is
 * checked before any schema or service sees it. Throws an AppError with a catalog code.
 */
export function assertSafeInput(value: unknown): void {
  const problem = findInputProblem(value);
  if (!problem) return;
  if (problem.kind === 'text') throw new AppError('INVALID_TEXT', undefined, { path: problem.path });
  if (problem.kind === 'depth') throw new AppError('JSON_TOO_DEEP', undefined, { maxDepth: MAX_JSON_DEPTH });
  throw new AppError('BAD_REQUEST', 'Prototype property names are not accepted.', { path: problem.path });
}

/** JSON text -> value; a document nested too deeply is refused before the recursive parser runs. */
export function parseBoundedJson(raw: string): unknown {
  if (jsonDepthExceeds(raw)) throw new AppError('JSON_TOO_DEEP', undefined, { maxDepth: MAX_JSON_DEPTH });
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
}

/**
 * Answers a raw socket that never reached Fastify or became a WebSocket (an upgrade, a request
 * Node's parser refused) with a small JSON error carrying the catalog code, then closes it.
 */
export function endWithError(socket: Duplex, status: string, err: AppError): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: toErrorBody(err) });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

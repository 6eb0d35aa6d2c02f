import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * Where /metrics may be read (docs/operations.md). Metrics name routes, error rates and queue
 * sizes, so they are never public: either a bearer token on the public port, or a separate
 * listener (kept off the internet), or nowhere.
 */
export interface MetricsAccess {
  /** METRICS_TOKEN: required as `Authorization: Bearer <token>` wherever /metrics is served. */
  token?: string;
  /** METRICS_PORT: serve /metrics only on this separate listener. */
  port?: number;
  host: string;
}

/** Whether the public listener serves /metrics: only with a token and no separate listener. */
export function metricsOnPublicListener(a: MetricsAccess): boolean {
  return a.token !== undefined && a.port === undefined;
}

/** Constant-time check of an Authorization header against the token (hashes first: equal lengths). */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), digest(token));
}

/** The separate metrics listener (METRICS_PORT): GET /metrics, everything else 404. */
export async function startMetricsListener(
  a: MetricsAccess & { port: number },
  registry: Registry,
  onError: (e: unknown) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NOT_FOUND","message":"Not found."}}');
      return;
    }
    if (!bearerMatches(req.headers.authorization, a.token)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAUTHENTICATED","message":"Authentication is required."}}');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: unknown) => {
        onError(e);
        res.writeHead(500).end();
      },
    );
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(a.port, a.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : a.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

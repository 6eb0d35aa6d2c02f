import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { HealthAnswer, ReadinessAnswer } from '@visavis/protocol';
import { AppError, toAppError, toErrorBody } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { clientErrorHandler, frameworkErrors, registerInputGuards } from './input-hooks.js';
import { bearerMatches, metricsOnPublicListener, type MetricsAccess } from './metrics-endpoint.js';
import { registerApiRoutes, type ApiDeps, MULTIPART_LIMITS } from '../../conversations/index.js';
import { registerStaticRoutes, type StaticDeps } from './routes-static.js';
import { securityHeaders, type SecurityHeaderSettings } from './security-headers.js';

export interface AppDeps extends ApiDeps, StaticDeps {
  logLevel: string;
  trustProxy: boolean | string;
  metrics: Metrics;
  isReady: () => Promise<boolean>;
  /** Who may read /metrics (METRICS_TOKEN / METRICS_PORT); without either it is not served. */
  metricsAccess: MetricsAccess;
  /** Where log lines go (tests capture them); default stdout. */
  logStream?: { write(line: string): void };
  /** CSP, framing, HSTS and the rest, per surface (security-headers.ts). */
  securityHeaders: SecurityHeaderSettings;
}

/** Builds the HTTP app. The error handler below is the one place errors become HTTP responses. */
export async function buildHttpApp(d: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: d.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'], ...(d.logStream ? { stream: d.logStream } : {}) },
    bodyLimit: 64 * 1024,
    // Only a configured proxy may set the client address (X-Forwarded-For); otherwise anyone
    // could rotate fake addresses past the per-address rate limits.
    trustProxy: d.trustProxy,
    // Refusals before a route runs (bad URL encoding, unparsable requests) carry catalog codes too.
    frameworkErrors,
    clientErrorHandler,
  });
  registerInputGuards(app);

  app.setErrorHandler((error, req, reply) => {
    let e: AppError;
    const fe = error as { statusCode?: number; code?: string; validation?: unknown };
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.code === 'FST_REQ_FILE_TOO_LARGE') e = new AppError('PAYLOAD_TOO_LARGE');
    else if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') e = new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type.');
    else if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') e = new AppError('MALFORMED_JSON');
    else if (fe.statusCode === 429) e = new AppError('RATE_LIMITED');
    else if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 && !(error instanceof AppError))
      e = new AppError('BAD_REQUEST', (error as Error).message);
    else e = toAppError(error);
    if (e.code === 'INTERNAL') req.log.error({ err: error }, 'request failed');
    void reply.code(e.httpStatus).send({ error: toErrorBody(e) });
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: toErrorBody(new AppError('NOT_FOUND')) });
  });

  app.addHook('onResponse', async (req, reply) => {
    d.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  const writeSecurityHeaders = securityHeaders(d.securityHeaders);
  app.addHook('onSend', async (req, reply) => writeSecurityHeaders(req, reply));

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new AppError('RATE_LIMITED'),
  });
  await app.register(multipart, { limits: MULTIPART_LIMITS });

  app.get('/healthz', async (): Promise<HealthAnswer> => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ready = await d.isReady().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' } satisfies ReadinessAnswer);
  });
  // Metrics are never public: served here only with a bearer token (else on METRICS_PORT or not at all).
  if (metricsOnPublicListener(d.metricsAccess)) {
    app.get('/metrics', async (req, reply) => {
      if (!bearerMatches(req.headers.authorization, d.metricsAccess.token)) throw new AppError('UNAUTHENTICATED');
      reply.header('content-type', d.metrics.registry.contentType);
      return d.metrics.registry.metrics();
    });
  }

  await registerApiRoutes(app, d);
  await registerStaticRoutes(app, d);
  return app;
}

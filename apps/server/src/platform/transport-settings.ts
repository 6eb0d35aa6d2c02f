import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import type { LifecyclePart } from './lifecycle.js';
import { startMetricsListener, type MetricsAccess } from './http/metrics-endpoint.js';
import type { FlowLimits } from './ws/client-connection.js';

// The transports' settings taken from the configuration, kept out of the composition root.

/** The HTTP app's settings that come straight from the configuration. */
export function httpAppSettings(
  config: Pick<
    Config,
    | 'LOG_LEVEL' | 'trustProxy' | 'COOKIE_SECURE' | 'PUBLIC_URL' | 'HSTS_MAX_AGE_SECONDS'
    | 'LOGIN_RATE_PER_MINUTE' | 'VISITOR_SESSION_RATE_PER_MINUTE' | 'UPLOAD_RATE_PER_MINUTE'
  >,
) {
  return {
    logLevel: config.LOG_LEVEL,
    trustProxy: config.trustProxy,
    cookieSecure: cookieSecureRule(config),
    securityHeaders: { publicUrl: config.PUBLIC_URL, hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS },
    loginRatePerMinute: config.LOGIN_RATE_PER_MINUTE,
    visitorSessionRatePerMinute: config.VISITOR_SESSION_RATE_PER_MINUTE,
    uploadRatePerMinute: config.UPLOAD_RATE_PER_MINUTE,
  };
}

/**
 * Whether a request's session cookie is Secure. auto: an https PUBLIC_URL means browsers reach us
 * over TLS even when it ends at a proxy that does not say so (no TRUST_PROXY / X-Forwarded-Proto).
 */
export function cookieSecureRule(config: Pick<Config, 'COOKIE_SECURE' | 'PUBLIC_URL'>): (req: { protocol: string }) => boolean {
  const publicHttps = config.PUBLIC_URL?.startsWith('https:') ?? false;
  return (req) => (config.COOKIE_SECURE === 'auto' ? publicHttps || req.protocol === 'https' : config.COOKIE_SECURE === 'true');
}

/**
 * Listening on loopback for a public PUBLIC_URL means a proxy in front; without TRUST_PROXY every
 * client then has the proxy's address and the per-address sign-in limits hit everyone.
 */
export function proxyAddressWarning(config: Pick<Config, 'HOST' | 'PUBLIC_URL' | 'trustProxy'>): string | null {
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.HOST);
  const publicName = config.PUBLIC_URL && !/^https?:\/\/(localhost|127\.|\[::1\])/.test(config.PUBLIC_URL);
  if (!loopback || !publicName || config.trustProxy) return null;
  return 'PUBLIC_URL is public but HOST is loopback and TRUST_PROXY is off: all clients share the proxy address, so per-address sign-in limits apply to everyone at once. Set TRUST_PROXY to the proxy address (deploy/README.md).';
}

/** The address this server is reached at: PUBLIC_URL, else where it listens. */
export function serverUrl(config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>, address: string | AddressInfo | null): string {
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
  return config.PUBLIC_URL ?? `http://${host}:${port}`;
}

/** The separate /metrics listener (METRICS_PORT) as a lifecycle part; without a port it does nothing. */
export function metricsListenerPart(
  access: MetricsAccess,
  registry: Registry,
  onError: (e: unknown) => void,
): LifecyclePart & { url(): string | null } {
  let listener: Awaited<ReturnType<typeof startMetricsListener>> | null = null;
  const host = access.host.includes(':') ? `[${access.host}]` : access.host;
  return {
    name: 'metrics listener',
    start: async () => {
      if (access.port !== undefined) listener = await startMetricsListener({ ...access, port: access.port }, registry, onError);
    },
    stop: () => listener?.close(),
    url: () => (listener ? `http://${host}:${listener.port}/metrics` : null),
  };
}

/** How much a slow WebSocket reader may fall behind before replays wait, then before it is closed. */
export function hubFlowLimits(config: Pick<Config, 'WS_SEND_BUFFER_KIB' | 'WS_SEND_BUFFER_MAX_KIB' | 'WS_SLOW_CONSUMER_SECONDS'>): FlowLimits {
  return {
    softBytes: config.WS_SEND_BUFFER_KIB * 1024,
    hardBytes: Math.max(config.WS_SEND_BUFFER_MAX_KIB, config.WS_SEND_BUFFER_KIB) * 1024,
    drainTimeoutMs: config.WS_SLOW_CONSUMER_SECONDS * 1000,
    concurrentReplays: 4,
  };
}

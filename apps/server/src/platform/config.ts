import path from 'node:path';
import { z } from 'zod';

/** A comma-separated list of URLs whose scheme matches; unset or empty = []. */
const urlList = (scheme: RegExp, what: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(scheme, `each entry must be a ${what} URL`)));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  PUBLIC_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INACTIVITY_MINUTES: z.coerce.number().positive().default(30),
  /** A waiting visitor with no connection for this long has left the queue. */
  ABANDON_SECONDS: z.coerce.number().positive().default(120),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  DEMO_PASSWORD: z.string().min(8).default('visavis-demo'),
  /**
   * Production mode (also NODE_ENV=production): the demo organisation is never seeded and the
   * server refuses to start while a demo account still has DEMO_PASSWORD.
   */
  VISAVIS_PRODUCTION: z.enum(['true', 'false']).default('false'),
  NODE_ENV: z.string().optional(),
  /** An agent session unused for this long ends, within its 12-hour lifetime. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(720).default(60),
  /** How long invite and password-reset links stay valid. */
  PASSWORD_LINK_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  /**
   * The session cookie's Secure flag. auto: Secure whenever PUBLIC_URL is https (TLS may end at
   * a proxy this server cannot see), otherwise when the request itself came over https.
   */
  COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
  /**
   * Reverse proxies trusted to set X-Forwarded-For: 'false' (default, direct connections),
   * 'true' (any — only when nothing can reach the server except the proxy), or a comma-separated
   * list of addresses/CIDRs such as '127.0.0.1,10.0.0.0/8'.
   */
  TRUST_PROXY: z.string().default('false'),
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /**
   * Failed (or still running) logins per minute from one client address over all accounts:
   * stops password spraying. Successful logins do not count, so an office behind one NAT
   * address can start its shift.
   */
  LOGIN_RATE_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /**
   * Password hashes (scrypt, ~32 MiB and tens of ms each) computed at once, on the libuv pool
   * (4 threads by default, shared with file I/O); and how many more may wait. Beyond that a
   * login answers RATE_LIMITED at once instead of queueing.
   */
  LOGIN_MAX_CONCURRENT_HASHES: z.coerce.number().int().min(1).max(64).default(2),
  LOGIN_MAX_QUEUED_HASHES: z.coerce.number().int().min(0).max(10_000).default(32),
  /** Strict-Transport-Security max-age, sent when PUBLIC_URL is https; 0 = no HSTS. */
  HSTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(63_072_000).default(15_552_000),
  /** WebSocket frames per second one connection may send (bursts of three times that). */
  WS_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(20),
  /**
   * Load shedding: when waits for a database connection stay above LOAD_SHED_TARGET_MS for 100 ms
   * (platform/load-shedder.ts), or LOAD_SHED_MAX_IN_FLIGHT commands are in progress, new WebSocket
   * commands are refused with OVERLOADED and a retry hint (the SDK retries them); a chat message
   * is refused so when the message writer's queue holds more than 4 × LOAD_SHED_TARGET_MS of work.
   */
  LOAD_SHED_TARGET_MS: z.coerce.number().int().min(5).max(60_000).default(100),
  LOAD_SHED_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1_000_000).default(4096),
  /** Open WebSockets per client address (TRUST_PROXY decides the address); more are closed with 4029. */
  WS_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
  /**
   * Output a WebSocket peer has not read yet: above WS_SEND_BUFFER_KIB it is fed no more history
   * until it drains; above WS_SEND_BUFFER_MAX_KIB, or after WS_SLOW_CONSUMER_SECONDS without
   * draining, it is closed with 4008 (the client resumes by sequence number after reconnecting).
   */
  WS_SEND_BUFFER_KIB: z.coerce.number().int().min(16).max(1_048_576).default(1024),
  WS_SEND_BUFFER_MAX_KIB: z.coerce.number().int().min(64).max(4_194_304).default(4096),
  WS_SLOW_CONSUMER_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  /**
   * /metrics (Prometheus): with METRICS_TOKEN it answers on the public port to
   * `Authorization: Bearer <token>` only; with METRICS_PORT it is served on a separate listener
   * (METRICS_HOST, default 127.0.0.1) and not on the public port. Neither = 404 everywhere.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** New visitor sessions per minute per client address. */
  VISITOR_SESSION_RATE_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Visitor access tokens live this long; the widget renews them with its refresh token. */
  VISITOR_ACCESS_TOKEN_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  /** A visitor session (refresh token) unused for this long ends. */
  VISITOR_SESSION_IDLE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How long a signed identity (its `ts`) is accepted, in seconds. */
  IDENTITY_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
  /** Accept the retired v1 identity HMAC (userId only, no expiry). Off: such identities get IDENTITY_SCHEME_OUTDATED. */
  IDENTITY_ACCEPT_V1: z.enum(['true', 'false']).default('false'),
  // Uploads (docs/api.md): rate per client address, quotas per visitor and organisation.
  UPLOAD_RATE_PER_MINUTE: z.coerce.number().int().positive().default(20),
  UPLOAD_VISITOR_FILES_PER_HOUR: z.coerce.number().int().positive().default(20),
  UPLOAD_VISITOR_MB_PER_HOUR: z.coerce.number().int().positive().default(50),
  UPLOAD_ORG_FILES_PER_DAY: z.coerce.number().int().positive().default(5000),
  UPLOAD_ORG_MB_PER_DAY: z.coerce.number().int().positive().default(10_240),
  /** An uploaded file no message refers to after this long is deleted. */
  UPLOAD_ORPHAN_MINUTES: z.coerce.number().int().min(5).max(10_080).default(60),
  /** Days chat attachments are kept when neither their skill group nor organisation sets it. */
  ATTACHMENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(180),
  // Video (docs/media.md). No JANUS_URL = embedded mode: spawn JANUS_BIN if it is installed.
  JANUS_URL: urlList(/^wss?:\/\/\S+$/, 'ws:// or wss://'),
  /** Admin API of each node, in JANUS_URL's order (leak checks, diagnostics). */
  JANUS_ADMIN_URL: urlList(/^wss?:\/\/\S+$/, 'ws:// or wss://'),
  JANUS_API_SECRET: z.string().min(1).optional(),
  JANUS_ADMIN_SECRET: z.string().min(1).optional(),
  /** How long a call rings before it ends unanswered ("missed call"). */
  CALL_RING_SECONDS: z.coerce.number().int().min(5).max(300).default(30),
  /** Resolution profile of a call when the caller does not choose one. */
  CALL_DEFAULT_PROFILE: z.enum(['360p', '720p', '1080p']).default('720p'),
  /** The janus executable for embedded mode; "off" disables embedded mode. */
  JANUS_BIN: z.string().min(1).default('/usr/bin/janus'),
  JANUS_RTP_PORTS: z
    .string()
    .regex(/^\d{4,5}-\d{4,5}$/, 'must be LOW-HIGH, e.g. 20000-40000')
    .refine((v) => {
      const [lo, hi] = v.split('-').map(Number) as [number, number];
      return lo >= 1024 && hi <= 65535 && lo < hi;
    }, 'must be a range within 1024-65535')
    .default('20000-40000'),
  /** Public address of an embedded Janus behind 1:1 NAT (a cloud VM's elastic IP). */
  JANUS_PUBLIC_IP: z.ipv4().optional(),
  /** STUN/TURN servers for the browsers: stun:, turn: or turns: URIs, comma-separated. */
  TURN_URLS: urlList(/^(stun|turn|turns):\S+$/, 'stun:, turn: or turns:'),
  /** coturn's static-auth-secret (use-auth-secret): TURN credentials are derived from it per user. */
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(86_400),
  // Compliance (docs/compliance.md).
  /** Days recordings are kept when their skill group sets no retention (banks: at least 180). */
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(180),
  /** Largest single recording file, in MiB. */
  RECORDING_MAX_MB: z.coerce.number().int().min(1).max(1_048_576).default(4096),
  /**
   * Where media nodes write raw recordings (one directory per call). The server creates it and
   * post-processes from it, so every media node must see it at this same path (embedded Janus
   * does; remote nodes mount shared storage here). Default: DATA_DIR/recordings-raw.
   */
  RECORDING_RAW_DIR: z.string().min(1).optional(),
  /** Seconds for a mandatory recording to be confirmed running once media flows, before the call is refused. */
  RECORDING_START_SECONDS: z.coerce.number().int().min(2).max(60).default(8),
  /**
   * Largest tile of one party in the composite (WxH) and its frame rate. Encoding cost grows with
   * both; each party's own file keeps its original resolution (copied, not re-encoded).
   */
  RECORDING_COMPOSITE_TILE: z.string().regex(/^\d{2,4}x\d{2,4}$/, 'must be WxH, e.g. 640x360').default('640x360'),
  RECORDING_COMPOSITE_FPS: z.coerce.number().int().min(5).max(30).default(15),
  /** The post-processing tools (Debian: janus-tools, ffmpeg). */
  JANUS_PP_REC_BIN: z.string().min(1).default('/usr/bin/janus-pp-rec'),
  FFMPEG_BIN: z.string().min(1).default('/usr/bin/ffmpeg'),
  FFPROBE_BIN: z.string().min(1).default('/usr/bin/ffprobe'),
  /** The Ed25519 key that signs evidence packages, as a 0600 PEM file; unset = kept in the database. */
  EVIDENCE_KEY_FILE: z.string().min(1).optional(),
}).superRefine((c, ctx) => {
  if (c.JANUS_ADMIN_URL.length > 0 && c.JANUS_ADMIN_URL.length !== c.JANUS_URL.length) {
    ctx.addIssue({ code: 'custom', path: ['JANUS_ADMIN_URL'], message: 'needs one entry per JANUS_URL entry, in the same order' });
  }
  if (c.TURN_URLS.some((u) => u.startsWith('turn')) && !c.TURN_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['TURN_SECRET'], message: 'is required when TURN_URLS lists a TURN server' });
  }
});

export type Config = z.infer<typeof Env> & { production: boolean; dataDir: string; recordingRawDir: string; publicUrl: string; trustProxy: boolean | string };

export class ConfigError extends Error {}

/** Reads and validates the environment once, at start; a bad value stops the server with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const host = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
  return {
    ...c,
    production: c.VISAVIS_PRODUCTION === 'true' || c.NODE_ENV === 'production',
    trustProxy: c.TRUST_PROXY === 'true' ? true : c.TRUST_PROXY === 'false' ? false : c.TRUST_PROXY,
    dataDir: path.resolve(c.DATA_DIR),
    recordingRawDir: path.resolve(c.RECORDING_RAW_DIR ?? path.join(c.DATA_DIR, 'recordings-raw')),
    publicUrl: (c.PUBLIC_URL ?? `http://${host}:${c.PORT}`).replace(/\/$/, ''),
  };
}

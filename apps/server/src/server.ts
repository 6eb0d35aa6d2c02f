import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './platform/config.js';
import { FsBlobStore } from './adapters/fs/fs-blob-store.js';
import { startMedia, type MediaSetup } from './adapters/janus/media-setup.js';
import { JanusRecording } from './adapters/janus/recording/janus-recording.js';
import { MemoryEventBus } from './adapters/memory/memory-event-bus.js';
import { migrate } from './adapters/postgres/migrate.js';
import { PgDatabase } from './adapters/postgres/pg-database.js';
import { PgliteDatabase } from './adapters/postgres/pglite-database.js';
import { buildHttpApp } from './platform/http/app.js';
import { startMetricsListener } from './platform/http/metrics-endpoint.js';
import { SESSION_COOKIE } from './platform/http/context.js';
import { AbandonSweeper, InactivitySweeper, BlobUrls, ConversationService, UploadService, UploadQuota, UploadSweeper } from './conversations/index.js';
import { RoutingSafetyNet, OfferService, OfflineMessages, RoutingAdmin, QueuePublisher, RoutingService, TransferService, PresenceService, registerRoutingListeners, routingCommandHandlers } from './routing/index.js';
import { OutboxDispatcher } from './platform/outbox/outbox-dispatcher.js';
import { DispatchingDatabase } from './platform/outbox/dispatching-database.js';
import { every, Lifecycle } from './platform/lifecycle.js';
import { commandQueue, type CommandHandlers, type CommandTopic } from './platform/outbox/commands.js';
import { EventListeners, eventQueue } from './platform/events/domain-events.js';
import { createMetrics } from './platform/metrics.js';
import type { Database } from './ports/database.js';
import type { EventBus } from './ports/event-bus.js';
import { systemClock, type Clock } from './ports/clock.js';
import { TokenSigner, hashGate, AddressLoginLimiter, VisitorService, SiteStore, allowedOriginsOf, AccountAdmin, AccountService, AuthService, OrgStore, SettingsStore } from './identity/index.js';
import { CallService, type CallRooms, lazyPoolRooms, wireCallMedia, SnapshotService, iceServersFor, type MediaServerPool } from './calls/index.js';
import { createCompliance, type Compliance, CLIENT_RECORDING_DEFAULTS, ClientRecordingService, type ClientRecordingSettings, RecordingPostProcessJob, registerRecordingListeners } from './recording/index.js';
import { UnitOfWork } from './platform/outbox/unit-of-work.js';
import { DEMO_SITE_KEY, refuseDemoPasswords, seedDemo, wantsDemoSeed } from './seed.js';
import { Hub } from './platform/ws/hub.js';
import { AddressConnectionLimit } from './platform/ws/address-limit.js';
import { WsGateway } from './platform/ws/gateway.js';

export interface RunningServer {
  app: FastifyInstance;
  db: Database;
  url: string;
  demoSeeded: boolean;
  /** Agent sessions (tests end idle ones without waiting for the minute sweep). */
  auth: AuthService;
  /** Video media nodes (Janus); `media.pool` is null when video is unavailable. */
  media: MediaSetup;
  /** Audit log, recordings catalog, evidence packages, retention job (docs/compliance.md). */
  compliance: Compliance;
  /** Raw call recordings → stored composite and per-party files. */
  postProcess: RecordingPostProcessJob;
  /** The separate /metrics listener (METRICS_PORT), or null. */
  metricsUrl: string | null;
  /** The event bus (tests publish what another node or service would, e.g. agent.access_changed). */
  bus: EventBus;
  stop(): Promise<void>;
}

/** The composition root: config -> adapters -> services -> transports, wired by hand. */
/** Replaceable parts for tests (the media rooms of calls); production wiring is the default. */
export interface ServerOverrides {
  callRooms?: CallRooms;
  /** Where an embedded Janus runs (tests put it in a network namespace). */
  mediaPlacement?: Parameters<typeof startMedia>[2];
  /** Client-recording timings (tests shorten the trailing window and the abandonment delay). */
  clientRecording?: Partial<ClientRecordingSettings>;
  /** Where log lines go (the bad-input suite reads every error line); default stdout. */
  logStream?: { write(line: string): void };
}

export async function startServer(config: Config, clock: Clock = systemClock, overrides: ServerOverrides = {}): Promise<RunningServer> {
  await mkdir(config.dataDir, { recursive: true });
  const storage: Database = config.DATABASE_URL
    ? new PgDatabase(config.DATABASE_URL)
    : await PgliteDatabase.open(path.join(config.dataDir, 'pglite'));
  await migrate(storage);
  // Every transaction that writes a domain event or a command wakes its dispatcher on commit.
  const db = new DispatchingDatabase(storage);
  if (config.production) {
    await refuseDemoPasswords(db, config.DEMO_PASSWORD).catch(async (e: unknown) => {
      await db.close();
      throw e;
    });
  }

  const secret = config.SESSION_SECRET ?? (await SettingsStore.getOrInit(db, 'signing_secret', randomBytes(32).toString('hex')));
  const signer = new TokenSigner(secret);
  const metrics = createMetrics();
  let log: FastifyInstance['log'] | undefined;
  const reportError = (e: unknown, what = 'background task failed') => log?.error({ err: e }, what);
  // Every part registers here as it is built; started in that order, stopped in reverse.
  const life = new Lifecycle((e, part) => reportError(e, `stopping ${part} failed`));
  life.add({ name: 'database', stop: () => db.close() });

  const bus = new MemoryEventBus((e) => reportError(e, 'event handler failed'));
  life.add({ name: 'event bus', stop: () => bus.close() });
  const blobs = new FsBlobStore(path.join(config.dataDir, 'blobs'));
  const uow = new UnitOfWork(db, bus);
  const urls = new BlobUrls(signer, () => clock.now().getTime());
  const compliance = await createCompliance({
    db, blobs, signer, clock, bus, onError: reportError,
    settings: {
      defaultRetentionDays: config.RECORDING_RETENTION_DAYS,
      recordingMaxBytes: config.RECORDING_MAX_MB * 1024 * 1024,
      evidenceKeyFile: config.EVIDENCE_KEY_FILE,
    },
  });
  const auth = new AuthService(db, bus, clock, compliance.audit, { idleMs: config.SESSION_IDLE_MINUTES * 60_000 });
  const accounts = new AccountService(db, clock, auth, compliance.audit);
  const accountAdmin = new AccountAdmin(db, bus, clock, auth, compliance.audit, {
    publicUrl: config.publicUrl, ttlMs: config.PASSWORD_LINK_HOURS * 3_600_000,
  });
  const visitors = new VisitorService(db, signer, clock, bus, {
    accessTokenTtlMs: config.VISITOR_ACCESS_TOKEN_MINUTES * 60_000,
    sessionIdleMs: config.VISITOR_SESSION_IDLE_DAYS * 86_400_000,
    maxAgeSeconds: config.IDENTITY_MAX_AGE_SECONDS,
    acceptV1: config.IDENTITY_ACCEPT_V1 === 'true',
  });
  await visitors.start();
  const conversations = new ConversationService(db, uow, bus, clock);
  const queue = new QueuePublisher(db, bus, clock);
  const routing = new RoutingService(db, uow, bus, clock, queue);
  const offers = new OfferService(db, uow, bus, clock);
  const transfers = new TransferService(uow, bus, clock);
  let mediaPool: MediaServerPool | null = null;
  const turn = { urls: config.TURN_URLS, secret: config.TURN_SECRET, ttlSeconds: config.TURN_TTL_SECONDS };
  const recorder = new JanusRecording({
    rawDir: config.recordingRawDir, ppRec: config.JANUS_PP_REC_BIN, startTimeoutMs: config.RECORDING_START_SECONDS * 1000,
    onError: (e) => reportError(e, 'call media'),
  });
  const calls = new CallService(
    db, uow, bus, clock, overrides.callRooms ?? lazyPoolRooms(() => mediaPool),
    {
      ringTimeoutMs: config.CALL_RING_SECONDS * 1000,
      defaultProfile: config.CALL_DEFAULT_PROFILE,
      iceServers: (user) => iceServersFor(turn, user, clock.now().getTime()),
    },
    { recorder, audit: compliance.audit },
  );
  const postProcess = new RecordingPostProcessJob(
    db, recorder, compliance.recordings,
    { ffmpeg: config.FFMPEG_BIN, ffprobe: config.FFPROBE_BIN },
    {
      fps: config.RECORDING_COMPOSITE_FPS,
      maxTile: (([width, height]) => ({ width: width!, height: height! }))(config.RECORDING_COMPOSITE_TILE.split('x').map(Number)),
    },
    (e) => reportError(e, 'recording post-processing'),
    (what, details) => log?.info(details, what),
  );
  const presence = new PresenceService(db, bus);
  const uploadQuota = new UploadQuota(db, {
    visitorFilesPerHour: config.UPLOAD_VISITOR_FILES_PER_HOUR,
    visitorBytesPerHour: config.UPLOAD_VISITOR_MB_PER_HOUR * 1024 * 1024,
    orgFilesPerDay: config.UPLOAD_ORG_FILES_PER_DAY,
    orgBytesPerDay: config.UPLOAD_ORG_MB_PER_DAY * 1024 * 1024,
  });
  const uploads = new UploadService(db, blobs, urls, uploadQuota, clock);
  const uploadSweeper = new UploadSweeper(db, blobs, compliance.audit, clock, {
    orphanAfterMs: config.UPLOAD_ORPHAN_MINUTES * 60_000,
    defaultRetentionDays: config.ATTACHMENT_RETENTION_DAYS,
  }, (e) => reportError(e, 'upload sweep'));
  const clientRecordings = new ClientRecordingService(db, blobs, compliance.recordings, clock, {
    ...CLIENT_RECORDING_DEFAULTS, totalMaxBytes: config.RECORDING_MAX_MB * 1024 * 1024, ...overrides.clientRecording,
  });
  const snapshots = new SnapshotService(db, uow, clock, calls, compliance.recordings);

  // Each module registers what it listens to and the commands it handles; the platform delivers.
  const listeners = new EventListeners();
  const routingWiring = { db, clock, routing, offers, onHanded: (n: number) => metrics.assignments.inc(n) };
  registerRoutingListeners(listeners, routingWiring);
  registerRecordingListeners(listeners, { postProcess, clientRecordings });
  const commandHandlers: CommandHandlers = {
    ...routingCommandHandlers(routingWiring),
    'call.ring_timeout': async ({ callId }) => calls.ringTimeout(callId),
    'call.end': async ({ callId, reason }) => calls.endBySystem(callId, reason),
    'client_recording.finish': async ({ callId, party }) => clientRecordings.finishAbandoned(callId, party),
  };
  const eventDispatcher = new OutboxDispatcher(db, clock, eventQueue, (_type, event) => listeners.deliver(event),
    (e, topic) => reportError(e, `event ${topic}: a listener failed`));
  const commandDispatcher = new OutboxDispatcher(db, clock, commandQueue,
    (topic, payload) => (commandHandlers[topic as CommandTopic] as (p: unknown) => Promise<void>)(payload),
    (e, topic) => reportError(e, `command ${topic} failed`));
  db.onQueueWritten((tables) => {
    if (tables.has('outbox')) eventDispatcher.kick();
    if (tables.has('commands')) commandDispatcher.kick();
  });
  const sweeper = new InactivitySweeper(db, clock, conversations, config.INACTIVITY_MINUTES * 60_000, (e) =>
    reportError(e, 'inactivity sweep'),
  );

  let demoSeeded = false;
  if (wantsDemoSeed(config)) demoSeeded = (await seedDemo(db, config.DEMO_PASSWORD)).created;

  const safetyNet = new RoutingSafetyNet(db, async (orgId) => {
    const n = await routing.drain(orgId);
    metrics.assignments.inc(n);
    return n;
  }, (e) => reportError(e, 'routing safety sweep'));
  const hub = new Hub(bus, conversations, urls, (e) => reportError(e, 'ws sync failed'), {
    softBytes: config.WS_SEND_BUFFER_KIB * 1024,
    hardBytes: Math.max(config.WS_SEND_BUFFER_MAX_KIB, config.WS_SEND_BUFFER_KIB) * 1024,
    drainTimeoutMs: config.WS_SLOW_CONSUMER_SECONDS * 1000,
    concurrentReplays: 4,
  });
  const abandon = new AbandonSweeper(db, clock, conversations, () => hub.connectedVisitorIds(), config.ABANDON_SECONDS * 1000, (e) =>
    reportError(e, 'abandon sweep'),
  );
  hashGate.configure({ maxConcurrent: config.LOGIN_MAX_CONCURRENT_HASHES, maxQueued: config.LOGIN_MAX_QUEUED_HASHES });
  // auto: an https PUBLIC_URL means browsers reach us over TLS even when it ends at a proxy
  // that does not say so (no TRUST_PROXY / X-Forwarded-Proto), so the cookie is Secure.
  const publicHttps = config.PUBLIC_URL?.startsWith('https:') ?? false;
  const secureCookie = (req: { protocol: string }) =>
    config.COOKIE_SECURE === 'auto' ? publicHttps || req.protocol === 'https' : config.COOKIE_SECURE === 'true';
  let stopping = false;
  const metricsAccess = { token: config.METRICS_TOKEN, port: config.METRICS_PORT, host: config.METRICS_HOST };
  const app = await buildHttpApp({
    db, auth, visitors, conversations, presence, uploads, urls, metrics, compliance, clientRecordings, snapshots, accounts, accountAdmin,
    routingRoutes: { clock, offers, transfers, admin: new RoutingAdmin(db, compliance.audit), offline: new OfflineMessages(db) },
    logLevel: config.LOG_LEVEL,
    trustProxy: config.trustProxy,
    cookieSecure: secureCookie,
    loginRatePerMinute: config.LOGIN_RATE_PER_MINUTE,
    loginAddressLimiter: new AddressLoginLimiter(clock, config.LOGIN_RATE_PER_ADDRESS_PER_MINUTE),
    securityHeaders: { publicUrl: config.PUBLIC_URL, hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS },
    visitorSessionRatePerMinute: config.VISITOR_SESSION_RATE_PER_MINUTE,
    uploadRatePerMinute: config.UPLOAD_RATE_PER_MINUTE,
    uploadSweeper,
    isReady: async () => !stopping && (await db.query('select 1')).length === 1,
    metricsAccess,
    logStream: overrides.logStream,
    demoSiteKey: async () => (await OrgStore.bySiteKey(db, DEMO_SITE_KEY))?.site_key ?? null,
    siteRoutes: { clock, serverOrigin: config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : null },
    widgetFrameAncestors: async (siteKey) => {
      const site = siteKey ? await SiteStore.bySiteKey(db, siteKey) : undefined;
      return [...(config.PUBLIC_URL ? [new URL(config.PUBLIC_URL).origin] : []), ...(site ? allowedOriginsOf(site) : [])];
    },
  });
  log = app.log;
  // Listening on loopback for a public PUBLIC_URL means a proxy in front; without TRUST_PROXY
  // every client then has the proxy's address and the per-address sign-in limits hit everyone.
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.HOST);
  const publicName = config.PUBLIC_URL && !/^https?:\/\/(localhost|127\.|\[::1\])/.test(config.PUBLIC_URL);
  if (loopback && publicName && !config.trustProxy) {
    app.log.warn('PUBLIC_URL is public but HOST is loopback and TRUST_PROXY is off: all clients share the proxy address, so per-address sign-in limits apply to everyone at once. Set TRUST_PROXY to the proxy address (deploy/README.md).');
  }
  // Video: external Janus nodes or an embedded one; without either the server runs, video off.
  life.add({ name: 'http', stop: () => app.close() });
  const media = await startMedia(config, app.log, overrides.mediaPlacement);
  life.add({ name: 'media', stop: () => media.stop() });
  mediaPool = media.pool;
  const callWiring = media.pool
    ? wireCallMedia({
        db, bus, calls, pool: media.pool, onError: (e, what) => reportError(e, what),
        recording: {
          recorder,
          onInfo: (what, details) => app.log.info(details, what),
        },
      })
    : null;
  const gateway = new WsGateway({
    hub, conversations, presence, urls, auth, visitors, metrics, offers, transfers, calls, callMedia: callWiring?.media ?? null, snapshots,
    sessionCookie: SESSION_COOKIE,
    messagesPerSecond: config.WS_MESSAGES_PER_SECOND,
    connectionLimit: new AddressConnectionLimit(config.WS_MAX_CONNECTIONS_PER_IP, config.trustProxy),
    log: app.log,
  });
  // The gateway answers every upgrade itself (a target that does not parse: 400), never throws.
  app.server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  life.add({ name: 'call media', stop: () => callWiring?.dispose() });
  life.add({ name: 'hub', stop: () => hub.dispose() });
  life.add({ name: 'websocket gateway', stop: () => gateway.close() });

  await app.listen({ port: config.PORT, host: config.HOST });
  // Background work, once the server answers. Idle and expired sessions end on their own,
  // closing the sockets opened with them.
  const jobs = [
    { name: 'recording post-processing', job: postProcess },
    { name: 'upload sweeper', job: uploadSweeper },
    { name: 'recording retention', job: compliance.retention },
    { name: 'routing safety net', job: safetyNet },
    { name: 'abandoned queue sweeper', job: abandon },
    { name: 'inactivity sweeper', job: sweeper },
    { name: 'command dispatcher', job: commandDispatcher },
    { name: 'event dispatcher', job: eventDispatcher },
  ];
  for (const { name, job } of jobs) life.add({ name, start: () => job.start(), stop: () => job.stop() });
  life.add(every('agent session sweep', 60_000, () => auth.expireStale(), reportError));
  life.add(every('visitor session sweep', 3_600_000, () => visitors.sweep(), reportError));
  const metricsListening: { listener: Awaited<ReturnType<typeof startMetricsListener>> | null } = { listener: null };
  life.add({
    name: 'metrics listener',
    start: async () => {
      if (metricsAccess.port !== undefined) {
        metricsListening.listener = await startMetricsListener({ ...metricsAccess, port: metricsAccess.port }, metrics.registry, (e) => reportError(e, 'metrics'));
      }
    },
    stop: () => metricsListening.listener?.close(),
  });
  await life.startAll();
  const metricsListener = metricsListening.listener;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;

  return {
    app,
    db,
    bus,
    url: config.PUBLIC_URL ?? `http://${host}:${port}`,
    demoSeeded,
    auth,
    media,
    compliance,
    postProcess,
    metricsUrl: metricsListener ? `http://${metricsAccess.host.includes(':') ? `[${metricsAccess.host}]` : metricsAccess.host}:${metricsListener.port}/metrics` : null,
    async stop() {
      stopping = true;
      await life.stopAll();
    },
  };
}

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
import { httpAppSettings, hubFlowLimits, metricsListenerPart, proxyAddressWarning, serverUrl } from './platform/transport-settings.js';
import { SESSION_COOKIE } from './platform/http/context.js';
import { DispatchingDatabase } from './platform/outbox/dispatching-database.js';
import { Lifecycle } from './platform/lifecycle.js';
import { DEFAULT_LOAD_SHEDDING, LoadShedder } from './platform/load-shedder.js';
import { CommandTable, outboxDispatchers, type ModulePlatform } from './platform/modules.js';
import { EventListeners } from './platform/events/domain-events.js';
import { createMetrics } from './platform/metrics.js';
import type { Database } from './ports/database.js';
import type { EventBus } from './ports/event-bus.js';
import { systemClock, type Clock } from './ports/clock.js';
import { identityModule, TokenSigner, OrgStore, SettingsStore, type AuthService } from './identity/index.js';
import { conversationsModule } from './conversations/index.js';
import { routingModule } from './routing/index.js';
import { callsModule, type CallRooms } from './calls/index.js';
import { recordingModule, type Compliance, type ClientRecordingSettings, type RecordingPostProcessJob } from './recording/index.js';
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
  /**
   * Who listens to which domain event (the architecture doc's catalogue is checked against it);
   * tests register their own to observe the events a flow emits.
   */
  listeners: EventListeners;
  stop(): Promise<void>;
}

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

/**
 * The composition root: config → adapters (database, bus, blobs, media recording) → the feature
 * modules, each registered in turn with the shared platform parts (docs/architecture.md §2) →
 * HTTP app, media nodes and WebSocket gateway → listen → background jobs. Everything that must be
 * closed is a part of one lifecycle: started in registration order, stopped in reverse.
 */
export async function startServer(config: Config, clock: Clock = systemClock, overrides: ServerOverrides = {}): Promise<RunningServer> {
  await mkdir(config.dataDir, { recursive: true });
  const storage: Database = config.DATABASE_URL
    ? new PgDatabase(config.DATABASE_URL)
    : await PgliteDatabase.open(path.join(config.dataDir, 'pglite'));
  await migrate(storage);
  // Every transaction that writes a domain event or a command wakes its dispatcher on commit.
  const load = new LoadShedder({ ...DEFAULT_LOAD_SHEDDING, targetDelayMs: config.LOAD_SHED_TARGET_MS, maxInFlight: config.LOAD_SHED_MAX_IN_FLIGHT });
  const db = new DispatchingDatabase(storage, load);
  if (config.production) {
    await refuseDemoPasswords(db, config.DEMO_PASSWORD).catch(async (e: unknown) => {
      await db.close();
      throw e;
    });
  }

  const secret = config.SESSION_SECRET ?? (await SettingsStore.getOrInit(db, 'signing_secret', randomBytes(32).toString('hex')));
  const metrics = createMetrics();
  let log: FastifyInstance['log'] | undefined;
  const reportError = (e: unknown, what = 'background task failed') => log?.error({ err: e }, what);
  // Every part registers here as it is built; started in that order, stopped in reverse. The
  // modules' background jobs are one part of it, registered once the server listens.
  const life = new Lifecycle((e, part) => reportError(e, `stopping ${part} failed`));
  const jobs = new Lifecycle((e, part) => reportError(e, `stopping ${part} failed`));
  life.add({ name: 'database', stop: () => db.close() });
  const bus = new MemoryEventBus((e) => reportError(e, 'event handler failed'));
  life.add({ name: 'event bus', stop: () => bus.close() });

  const listeners = new EventListeners();
  const commands = new CommandTable();
  const platform: ModulePlatform = {
    db, bus, clock, uow: new UnitOfWork(db, bus), blobs: new FsBlobStore(path.join(config.dataDir, 'blobs')),
    signer: new TokenSigner(secret), reportError, logInfo: (what, details) => log?.info(details, what),
    listeners, commands, life, jobs, load,
  };
  const recorder = new JanusRecording({
    rawDir: config.recordingRawDir, ppRec: config.JANUS_PP_REC_BIN, startTimeoutMs: config.RECORDING_START_SECONDS * 1000,
    onError: (e) => reportError(e, 'call media'),
  });

  // The feature modules, each after those whose services it uses.
  const recording = await recordingModule(platform, config, { recorder, clientRecording: overrides.clientRecording });
  const { audit } = recording;
  const identity = await identityModule(platform, config, { audit });
  // The hub, built below, serves the conversations module; its sweeper asks it only once jobs run.
  const conversations = conversationsModule(platform, config, { audit, connectedVisitorIds: () => hub.connectedVisitorIds() });
  const routing = routingModule(platform, { audit, onHanded: (n) => metrics.assignments.inc(n) });
  const calls = callsModule(platform, config, { recorder, audit, recordings: recording.recordings, rooms: overrides.callRooms });
  // Listeners of the platform itself (pushes to the sockets) register on `listeners` here.
  commands.assertComplete();
  for (const dispatcher of outboxDispatchers(db, platform)) jobs.add(dispatcher);

  let demoSeeded = false;
  if (wantsDemoSeed(config)) demoSeeded = (await seedDemo(db, config.DEMO_PASSWORD)).created;

  const hub = new Hub(bus, conversations.conversations, conversations.urls, (e) => reportError(e, 'ws sync failed'), hubFlowLimits(config));
  let stopping = false;
  const metricsAccess = { token: config.METRICS_TOKEN, port: config.METRICS_PORT, host: config.METRICS_HOST };
  const { auth, visitors } = identity;
  const app = await buildHttpApp({
    db, auth, visitors, metrics, metricsAccess,
    conversations: conversations.conversations, urls: conversations.urls,
    uploads: conversations.uploads, uploadSweeper: conversations.uploadSweeper,
    presence: routing.presence, routingRoutes: routing.routes,
    snapshots: calls.snapshots,
    compliance: recording.compliance, clientRecordings: recording.clientRecordings,
    accounts: identity.accounts, accountAdmin: identity.accountAdmin,
    loginAddressLimiter: identity.loginAddressLimiter,
    siteRoutes: { clock, serverOrigin: identity.serverOrigin },
    widgetFrameAncestors: identity.widgetFrameAncestors,
    demoSiteKey: async () => (await OrgStore.bySiteKey(db, DEMO_SITE_KEY))?.site_key ?? null,
    ...httpAppSettings(config),
    logStream: overrides.logStream,
    isReady: async () => !stopping && (await db.query('select 1')).length === 1,
  });
  log = app.log;
  const warning = proxyAddressWarning(config);
  if (warning) app.log.warn(warning);
  life.add({ name: 'http', stop: () => app.close() });
  // Video: external Janus nodes or an embedded one; without either the server runs, video off.
  const media = await startMedia(config, app.log, overrides.mediaPlacement);
  life.add({ name: 'media', stop: () => media.stop() });
  const callMedia = calls.connectMedia(media.pool);
  const gateway = new WsGateway({
    hub, auth, visitors, metrics, callMedia,
    conversations: conversations.conversations, urls: conversations.urls,
    presence: routing.presence, offers: routing.offers, transfers: routing.transfers,
    calls: calls.calls, snapshots: calls.snapshots,
    sessionCookie: SESSION_COOKIE,
    messagesPerSecond: config.WS_MESSAGES_PER_SECOND,
    load,
    connectionLimit: new AddressConnectionLimit(config.WS_MAX_CONNECTIONS_PER_IP, config.trustProxy),
    log: app.log,
  });
  // The gateway answers every upgrade itself (a target that does not parse: 400), never throws.
  app.server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  life.add({ name: 'hub', stop: () => hub.dispose() });
  life.add({ name: 'websocket gateway', stop: () => gateway.close() });

  await app.listen({ port: config.PORT, host: config.HOST });
  // Background work, once the server answers (idle and expired sessions end on their own, closing
  // the sockets opened with them); stopped first, before the transports close.
  life.add({ name: 'background jobs', start: () => jobs.startAll(), stop: () => jobs.stopAll() });
  const metricsListener = metricsListenerPart(metricsAccess, metrics.registry, (e) => reportError(e, 'metrics'));
  life.add(metricsListener);
  await life.startAll();

  return {
    app,
    db,
    bus,
    listeners,
    url: serverUrl(config, app.server.address()),
    demoSeeded,
    auth,
    media,
    compliance: recording.compliance,
    postProcess: recording.postProcess,
    metricsUrl: metricsListener.url(),
    async stop() {
      stopping = true;
      await life.stopAll();
    },
  };
}

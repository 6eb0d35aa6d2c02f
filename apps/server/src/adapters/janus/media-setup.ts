import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../../platform/config.js';
import { MediaServerPool } from '../../calls/index.js';
import { JanusMediaServer } from './janus-media-server.js';
import { JanusProcess } from './janus-process.js';

/** The slice of pino the media setup logs through. */
export interface MediaLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MediaSetup {
  mode: 'external' | 'embedded' | 'unavailable';
  /** Null when video is unavailable (no Janus configured or installed, or it would not start). */
  pool: MediaServerPool | null;
  stop(): Promise<void>;
}

/** Where an embedded Janus runs; tests put it in a network namespace (test-support/netns.ts). */
export interface EmbeddedPlacement {
  /** Command prefix, e.g. ['ip', 'netns', 'exec', 'vv-123-0']. */
  wrap: string[];
  /** Address Janus's API binds to and the server connects to (the namespace's address). */
  host: string;
}

const unavailable = (): MediaSetup => ({ mode: 'unavailable', pool: null, stop: async () => {} });

/**
 * Chooses and starts the media nodes for the composition root:
 * - JANUS_URL set: those Janus nodes (external mode);
 * - else JANUS_BIN installed: a Janus child process on loopback ports (embedded mode);
 * - else: no video, with a warning saying how to get it. The server runs either way.
 * Nodes that cannot be reached at start keep reconnecting in the background.
 */
export async function startMedia(
  config: Config,
  log: MediaLog,
  placement?: EmbeddedPlacement,
): Promise<MediaSetup> {
  if (config.JANUS_URL.length > 0) {
    const nodes = config.JANUS_URL.map(
      (url) =>
        // The URL is the node id: stable across restarts, so a call row can name its node.
        new JanusMediaServer({
          nodeId: url,
          url,
          ...(config.JANUS_API_SECRET ? { apiSecret: config.JANUS_API_SECRET } : {}),
          onError: (err) => log.debug({ err, node: url }, 'media node'),
        }),
    );
    return { mode: 'external', ...startPool(nodes, log) };
  }
  if (config.JANUS_BIN === 'off') {
    log.info({}, 'video calls are off (JANUS_BIN=off and no JANUS_URL)');
    return unavailable();
  }
  if (!(await JanusProcess.isInstalled(config.JANUS_BIN))) {
    log.warn(
      { janusBin: config.JANUS_BIN },
      `video calls are unavailable: no Janus at ${config.JANUS_BIN}. Install Debian's "janus" package ` +
        '(bash scripts/setup.sh --test does), set JANUS_BIN, or point JANUS_URL at running Janus nodes.',
    );
    return unavailable();
  }

  const apiSecret = config.JANUS_API_SECRET ?? randomBytes(18).toString('hex');
  const [lo, hi] = config.JANUS_RTP_PORTS.split('-').map(Number) as [number, number];
  const janus = new JanusProcess({
    bin: config.JANUS_BIN,
    ...(placement ? { wrap: placement.wrap } : {}),
    config: {
      dir: path.join(config.dataDir, 'janus'),
      // Only this server talks to Janus's API; browsers reach it for media only.
      wsHost: placement?.host ?? '127.0.0.1',
      ...(placement ? { sdpIp: placement.host } : {}),
      wsPort: await freePort(),
      adminPort: await freePort(),
      adminSecret: config.JANUS_ADMIN_SECRET ?? randomBytes(18).toString('hex'),
      apiSecret,
      rtpPorts: [lo, hi],
      ...(config.JANUS_PUBLIC_IP ? { publicIp: config.JANUS_PUBLIC_IP } : {}),
    },
    onOutput: (line) => log.debug({ janus: line }, 'janus output'),
  });
  janus.on((e) => {
    if (e.type === 'started') log.info({ pid: e.pid, readyMs: e.readyMs }, 'embedded Janus started');
    else if (e.type === 'reaped') log.warn({ pid: e.pid }, 'stopped an embedded Janus left running by an earlier server process');
    else if (e.type === 'exited' && !e.expected)
      log.warn({ code: e.code, signal: e.signal }, 'embedded Janus died');
    else if (e.type === 'restart_failed')
      log.warn({ attempt: e.attempt, error: e.error }, 'embedded Janus restart failed');
    else if (e.type === 'gave_up')
      log.warn({ attempts: e.attempts }, 'embedded Janus keeps dying; video unavailable');
  });
  try {
    await janus.start();
  } catch (err) {
    log.warn({ err }, 'video calls are unavailable: embedded Janus did not start');
    return unavailable();
  }
  const node = new JanusMediaServer({
    nodeId: 'embedded',
    url: janus.url,
    apiSecret,
    onError: (err) => log.debug({ err }, 'embedded media node'),
  });
  const { pool, stop } = startPool([node], log);
  return {
    mode: 'embedded',
    pool,
    async stop() {
      await stop();
      await janus.stop();
    },
  };
}

function startPool(
  nodes: JanusMediaServer[],
  log: MediaLog,
): { pool: MediaServerPool; stop(): Promise<void> } {
  const pool = new MediaServerPool(nodes, {
    onNodeEvent: (e) =>
      e.type === 'lost'
        ? log.warn({ node: e.nodeId, reason: e.reason }, 'media node lost')
        : log.info({ node: e.nodeId, roomsLost: e.roomsLost.length }, 'media node up'),
  });
  // Not awaited: a node that is slow or down must not hold up the server's start.
  const started = pool.start().then(
    (up) => log.info({ up, nodes: nodes.length }, 'media nodes connected'),
    (err: unknown) => log.warn({ err }, 'media nodes failed to start'),
  );
  return {
    pool,
    async stop() {
      await pool.close();
      await started;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

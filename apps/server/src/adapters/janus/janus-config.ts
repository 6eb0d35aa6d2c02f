import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes the configuration directory of an embedded Janus: janus.jcfg, the websockets transport
 * and the videoroom plugin, and nothing else. Plugins, transports, loggers and event handlers we
 * do not use are disabled by file name, so a Janus package that ships more of them starts the same.
 */
export interface JanusConfigOptions {
  dir: string;
  /** Address the WebSocket API (and admin API) listen on. Only the Visavis server talks to it. */
  wsHost: string;
  wsPort: number;
  adminPort: number;
  adminSecret: string;
  /** Required in every API request when set: keeps other local processes off this Janus. */
  apiSecret?: string;
  /** UDP ports for media, inclusive; several instances on one host need distinct ranges. */
  rtpPorts: [number, number];
  /** Janus ends a session that sent nothing for this long; the adapter keeps alive every ~25 s. */
  sessionTimeoutSec?: number;
  /** Public address to advertise when Janus sits behind 1:1 NAT (cloud VM). */
  publicIp?: string;
  /** Interfaces/addresses to gather ICE candidates on (Janus's ice_enforce_list). */
  iceEnforceList?: string;
  /** Address written into SDP `c=` lines; Janus guesses one (or 127.0.0.1) when absent. */
  sdpIp?: string;
  /**
   * How Janus takes part in ICE. `full` (default): full ICE with regular nomination, as Janus ships.
   * `aggressive`: full ICE, nominating the first pair that works (the subscriber legs, where Janus
   * offers and so controls ICE, connect a check sooner). `lite`: ICE-lite, Janus only answers
   * checks and the browser always controls; only for a Janus with an address browsers can reach
   * directly (a public address, or nat_1_1_mapping), since a lite agent cannot open a NAT itself.
   */
  ice?: JanusIceMode;
  debugLevel?: number;
  serverName?: string;
}

export type JanusIceMode = 'full' | 'aggressive' | 'lite';

const UNUSED_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'streaming',
  'textroom',
  'videocall',
  'voicemail',
].map((p) => `libjanus_${p}.so`);
const UNUSED_TRANSPORTS = ['http', 'pfunix', 'mqtt', 'nanomsg', 'rabbitmq'].map((t) => `libjanus_${t}.so`);
const UNUSED_EVENT_HANDLERS = ['gelfevh', 'mqttevh', 'nanomsgevh', 'rabbitmqevh', 'sampleevh', 'wsevh'].map(
  (e) => `libjanus_${e}.so`,
);
const UNUSED_LOGGERS = ['libjanus_jsonlog.so'];

type JcfgValue = string | number | boolean | string[] | { [key: string]: JcfgValue | undefined };

/** libconfig syntax as Janus reads it: `key = value` inside `section: { ... }`. */
export function renderJcfg(sections: Record<string, Record<string, JcfgValue | undefined>>): string {
  const value = (v: JcfgValue, indent: string): string => {
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`jcfg: not a finite number: ${v}`);
      return String(v);
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (Array.isArray(v)) return `[${v.map((s) => JSON.stringify(s)).join(', ')}]`;
    return block(v, indent + '\t');
  };
  const block = (obj: Record<string, JcfgValue | undefined>, indent: string): string => {
    const lines = Object.entries(obj)
      .filter((e): e is [string, JcfgValue] => e[1] !== undefined)
      .map(([k, v]) => `${indent}\t${k} = ${value(v, indent)}`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  };
  return (
    Object.entries(sections)
      .map(([name, body]) => `${name}: ${block(body, '')}`)
      .join('\n\n') + '\n'
  );
}

export function janusJcfg(o: JanusConfigOptions): string {
  return renderJcfg({
    general: {
      configs_folder: o.dir,
      server_name: o.serverName ?? 'visavis-janus',
      debug_level: o.debugLevel ?? 4,
      debug_timestamps: true,
      // Plain lines: the output is kept for error reports, not shown on a terminal.
      debug_colors: false,
      interface: o.sdpIp,
      admin_secret: o.adminSecret,
      api_secret: o.apiSecret,
      session_timeout: o.sessionTimeoutSec ?? 60,
      // A session dies with its WebSocket: the adapter then knows its legs are gone, rather
      // than finding out later from a session that was kept "for reclaiming".
      reclaim_session_timeout: 0,
      // Janus refuses to record into these. The package default also lists /var and /opt,
      // which would forbid recording under /var/lib/visavis.
      protected_folders: [
        '/bin',
        '/boot',
        '/dev',
        '/etc',
        '/lib',
        '/lib32',
        '/lib64',
        '/proc',
        '/sbin',
        '/sys',
        '/usr',
      ],
    },
    media: {
      ipv6: false,
      rtp_port_range: `${o.rtpPorts[0]}-${o.rtpPorts[1]}`,
      no_media_timer: 1,
      // 0 (the default) disables slowlink events; the port promises them.
      slowlink_threshold: 4,
      twcc_period: 200,
    },
    nat: {
      // Candidates go to the client as trickle events as soon as Janus has them.
      full_trickle: true,
      ice_lite: o.ice === 'lite' ? true : undefined,
      ice_nomination: o.ice === 'aggressive' ? 'aggressive' : undefined,
      nat_1_1_mapping: o.publicIp,
      ice_enforce_list: o.iceEnforceList,
      // Resolving browsers' "*.local" candidates would send multicast DNS; peer-reflexive
      // candidates learnt from the browser's checks work without it.
      ignore_mdns: true,
    },
    plugins: { disable: UNUSED_PLUGINS.join(',') },
    transports: { disable: UNUSED_TRANSPORTS.join(',') },
    loggers: { disable: UNUSED_LOGGERS.join(',') },
    events: { broadcast: false, disable: UNUSED_EVENT_HANDLERS.join(',') },
  });
}

export function websocketsJcfg(o: JanusConfigOptions): string {
  return renderJcfg({
    general: { json: 'plain', ws: true, ws_port: o.wsPort, ws_ip: o.wsHost, wss: false },
    admin: { admin_ws: true, admin_ws_port: o.adminPort, admin_ws_ip: o.wsHost, admin_wss: false },
  });
}

export function videoroomJcfg(): string {
  // No static rooms: every room is created through the API for one call and destroyed after it.
  return renderJcfg({ general: { string_ids: false, events: false } });
}

/** Writes the three files; answers the path of janus.jcfg. */
export async function writeJanusConfig(o: JanusConfigOptions): Promise<string> {
  await mkdir(o.dir, { recursive: true });
  const main = path.join(o.dir, 'janus.jcfg');
  await writeFile(main, janusJcfg(o));
  await writeFile(path.join(o.dir, 'janus.transport.websockets.jcfg'), websocketsJcfg(o));
  await writeFile(path.join(o.dir, 'janus.plugin.videoroom.jcfg'), videoroomJcfg());
  return main;
}

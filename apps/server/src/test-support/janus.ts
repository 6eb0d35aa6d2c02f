import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JanusIceMode } from '../adapters/janus/janus-config.js';
import { JanusProcess, type JanusProcessEvent } from '../adapters/janus/janus-process.js';
import { createTestNetns, netnsUnavailableReason, type TestNetns } from './netns.js';

/** Debian's path; tests skip (outside CI) when it is missing. */
export const JANUS_BIN = '/usr/bin/janus';

export interface TestJanus {
  netns: TestNetns;
  process: JanusProcess;
  url: string;
  adminUrl: string;
  adminSecret: string;
  /** Process events seen so far (started, exited, restarting...). */
  events: JanusProcessEvent[];
  stop(): Promise<void>;
}

/** Why the Janus suites cannot run here, or null when they can. */
export async function janusUnavailableReason(): Promise<string | null> {
  if (!(await JanusProcess.isInstalled(JANUS_BIN))) {
    return `${JANUS_BIN} is missing (bash scripts/setup.sh --test installs Debian's janus)`;
  }
  return netnsUnavailableReason();
}

/**
 * A real Janus in a network namespace of its own (see netns.ts), configured as in embedded
 * mode. Its API listens on the namespace's address; the namespace has a fresh port space, so
 * fixed ports are fine.
 */
export async function startTestJanus(
  opts: { restartDelayMs?: (n: number) => number | null; ice?: JanusIceMode } = {},
): Promise<TestJanus> {
  const netns = await createTestNetns();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vv-janus-test-'));
  const adminSecret = 'test-admin-secret';
  const events: JanusProcessEvent[] = [];
  const proc = new JanusProcess({
    bin: JANUS_BIN,
    wrap: netns.wrap,
    restartDelayMs: opts.restartDelayMs ?? ((n) => (n <= 5 ? 50 : null)),
    config: {
      dir,
      wsHost: netns.nsAddress,
      wsPort: 8188,
      adminPort: 7188,
      adminSecret,
      rtpPorts: [20000, 20199],
      sdpIp: netns.nsAddress,
      ...(opts.ice ? { ice: opts.ice } : {}),
    },
  });
  proc.on((e) => events.push(e));
  try {
    await proc.start();
  } catch (e) {
    await netns.destroy();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    netns,
    process: proc,
    url: proc.url,
    adminUrl: proc.adminUrl,
    adminSecret,
    events,
    async stop() {
      try {
        await proc.stop();
      } finally {
        await netns.destroy();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A minimal but complete SDP offer (Opus + VP8, bundled, rtcp-mux, send-only) as a browser
 * would send it for publishing, written by hand: enough for Janus to negotiate and answer,
 * though no DTLS or media will follow.
 */
export function handWrittenOffer(ice = { ufrag: 'vvtest', pwd: 'vvtestpasswordvvtestpass' }): string {
  const fingerprint = Array.from({ length: 32 }, (_, i) =>
    ((i * 37 + 11) & 0xff).toString(16).padStart(2, '0'),
  )
    .join(':')
    .toUpperCase();
  const common = (mid: number) => [
    'c=IN IP4 0.0.0.0',
    `a=ice-ufrag:${ice.ufrag}`,
    `a=ice-pwd:${ice.pwd}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass',
    `a=mid:${mid}`,
    'a=sendonly',
    'a=rtcp-mux',
  ];
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS vv',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...common(0),
    'a=msid:vv vv-audio',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1001 cname:vv',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    ...common(1),
    'a=msid:vv vv-video',
    'a=rtcp-rsize',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=rtcp-fb:96 ccm fir',
    'a=ssrc:2001 cname:vv',
  ];
  return lines.join('\r\n') + '\r\n';
}

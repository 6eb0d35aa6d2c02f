// Real calls in the browser for e2e tests and screenshots: a real Janus in a network namespace of
// the test's own (startTestJanus: veth pair, no default route, see docs/media.md), the real server
// pointed at it (JANUS_URL), and Chromium in the root namespace with the fake camera and
// microphone. Pages reach Janus's media at the namespace address; nothing is aimed at the
// machine's own interfaces. Also: reading receive statistics from the pages' PeerConnections,
// and what is left on Janus (rooms, sessions, handles) for leak checks.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { JanusAdmin } from '../../apps/server/src/adapters/janus/janus-admin.js';
import { JanusMediaServer } from '../../apps/server/src/adapters/janus/janus-media-server.js';
import {
  janusUnavailableReason,
  startTestJanus,
  type TestJanus,
} from '../../apps/server/src/test-support/janus.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import { waitFor, type Scope } from './chat.js';

export { janusUnavailableReason };

/** On top of the e2e flags: media may play without a gesture, host candidates as raw addresses. */
export const CALL_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Both parties' windows live in one headless browser: none may be throttled for being behind.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface JanusCounts {
  rooms: number;
  sessions: number;
  handles: number;
}

export interface CallEnv {
  janus: TestJanus;
  server: RunningServer;
  browser: Browser;
  /** Rooms on the Janus node (any client's) and its sessions and handles (admin API). */
  janusCounts(): Promise<JanusCounts>;
  stop(): Promise<void>;
}

/**
 * Janus in a namespace, the server using it, Chromium. `ringSeconds` shortens the ring timeout
 * (CALL_RING_SECONDS) so an unanswered call ends quickly.
 */
export async function startCallEnv(opts: { ringSeconds?: number; env?: Record<string, string>; readyTimeoutMs?: number } = {}): Promise<CallEnv> {
  const undo: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const f of undo.reverse()) await f().catch(() => undefined);
    undo.length = 0;
  };
  try {
    const janus = await startTestJanus();
    undo.push(() => janus.stop());
    const server = await startServer({
      env: { JANUS_URL: janus.url, CALL_RING_SECONDS: String(opts.ringSeconds ?? 30), ...opts.env },
      ...(opts.readyTimeoutMs ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
    });
    undo.push(() => server.stop());
    // The server connects to Janus in the background after it is ready.
    await waitFor(
      'the server to connect to Janus',
      async () => server.logs(),
      (logs) => /"up":1[,}].*"msg":"media nodes connected"/.test(logs),
      20_000,
    );
    const admin = await JanusAdmin.connect(janus.adminUrl, janus.adminSecret);
    undo.push(async () => admin.close());
    // A client of our own on Janus's API, only to list rooms (its session and handle are counted
    // in the baseline like the server's own).
    const lister = new JanusMediaServer({ nodeId: 'e2e', url: janus.url, reconnectDelayMs: () => null });
    await lister.start();
    undo.push(() => lister.close());
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CALL_CHROMIUM_ARGS,
      headless: true,
    });
    undo.push(() => browser.close());
    return {
      janus,
      server,
      browser,
      async janusCounts() {
        const sessions = await admin.listSessions();
        let handles = 0;
        for (const s of sessions) handles += (await admin.listHandles(s).catch(() => [])).length;
        return { rooms: (await lister.listRooms()).length, sessions: sessions.length, handles };
      },
      stop: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * Keeps every RTCPeerConnection the pages of a context (frames included) create in
 * `window.__vvPcs`, so a test can read their statistics. The product's code is unchanged: it
 * calls the same constructor, wrapped.
 */
export async function trackPeerConnections(context: BrowserContext): Promise<void> {
  // Under tsx (esbuild keepNames) named functions are wrapped in __name(), unknown to the page.
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await context.addInitScript(() => {
    const w = window as unknown as {
      RTCPeerConnection?: typeof RTCPeerConnection;
      __vvPcs?: RTCPeerConnection[];
    };
    const Native = w.RTCPeerConnection;
    if (!Native || w.__vvPcs) return;
    const pcs: RTCPeerConnection[] = [];
    w.__vvPcs = pcs;
    const Wrapped = function (config?: RTCConfiguration) {
      const pc = new Native(config);
      pcs.push(pc);
      return pc;
    } as unknown as typeof RTCPeerConnection;
    Wrapped.prototype = Native.prototype;
    Object.setPrototypeOf(Wrapped, Native);
    w.RTCPeerConnection = Wrapped;
  });
}

/** What a page receives, summed over its open PeerConnections (inbound-rtp). */
export interface Received {
  videoFramesDecoded: number;
  videoFrameWidth: number;
  audioPacketsReceived: number;
  audioBytesReceived: number;
  /** Cumulative energy of the received audio: grows only while sound (not silence) arrives. */
  audioEnergy: number;
  /** Open PeerConnections (publish + subscribe legs). */
  connections: number;
}

export function received(scope: Scope): Promise<Received> {
  return scope.evaluate(async () => {
    const pcs = ((window as unknown as { __vvPcs?: RTCPeerConnection[] }).__vvPcs ?? []).filter(
      (pc) => pc.connectionState !== 'closed',
    );
    const r = {
      videoFramesDecoded: 0,
      videoFrameWidth: 0,
      audioPacketsReceived: 0,
      audioBytesReceived: 0,
      audioEnergy: 0,
      connections: pcs.length,
    };
    for (const pc of pcs) {
      const stats = await pc.getStats().catch(() => null);
      stats?.forEach((raw: unknown) => {
        const s = raw as {
          type: string;
          kind?: string;
          framesDecoded?: number;
          frameWidth?: number;
          packetsReceived?: number;
          bytesReceived?: number;
          totalAudioEnergy?: number;
        };
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') {
          r.videoFramesDecoded += s.framesDecoded ?? 0;
          r.videoFrameWidth = Math.max(r.videoFrameWidth, s.frameWidth ?? 0);
        } else if (s.kind === 'audio') {
          r.audioPacketsReceived += s.packetsReceived ?? 0;
          r.audioBytesReceived += s.bytesReceived ?? 0;
          r.audioEnergy += s.totalAudioEnergy ?? 0;
        }
      });
    }
    return r;
  });
}

/** Waits until `pick` of what the page receives grows by more than `by` from now on. */
export async function expectGrowing(
  scope: Scope,
  what: string,
  pick: (r: Received) => number,
  by: number,
  timeout = 20_000,
): Promise<void> {
  const start = pick(await received(scope));
  await waitFor(
    `${what} to grow by more than ${by} (from ${start})`,
    () => received(scope),
    (r) => pick(r) > start + by,
    timeout,
    250,
  );
}

/** How much `pick` grows over `ms` (the page's statistics sampled at both ends). */
export async function growthOver(scope: Scope, pick: (r: Received) => number, ms: number): Promise<number> {
  const a = pick(await received(scope));
  await new Promise((r) => setTimeout(r, ms));
  return pick(await received(scope)) - a;
}

// The environment of the video benchmarks: a real Janus in a network namespace of the run's own
// (startTestJanus: veth pair, no default route), a fresh database with benchmark agents, the real
// server as a child process pointed at that Janus (JANUS_URL), one Chromium, and the test page
// served on the server's origin. Everything is torn down by close(), also after a failure; the
// namespace also by netns.ts's exit/signal hooks.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  startTestJanus,
  janusUnavailableReason,
  type TestJanus,
} from '../../apps/server/src/test-support/janus.js';
import type { JanusIceMode } from '../../apps/server/src/adapters/janus/janus-config.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/harness/browser.js';
import { startServer, type RunningServer } from '../../e2e/harness/server.js';
import { BENCH_PASSWORD, provision, type Provisioned } from '../chat/provision.js';
import { withTimeout } from '../lib/report.js';
import { buildTestPage } from './bundle.js';
import type { CallTimes, DirectSignal, MediaCounters, ReceiverReport } from './page/entry.js';
import { CROWD_FROM_ONE_ADDRESS } from '../lib/crowd-env.js';

export type Role = 'visitor' | 'agent';

/** Flags on top of the e2e ones (e2e/harness/browser.ts); each is printed with the parameters. */
export const EXTRA_CHROMIUM_ARGS = [
  // The oscillator "microphone" starts without a user gesture.
  '--autoplay-policy=no-user-gesture-required',
  // Host candidates as raw addresses (as for a page that has camera permission), not mDNS names.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // The direct path connects over 127.0.0.1 only (its candidates are filtered to loopback).
  '--allow-loopback-in-peer-connection',
  // Many windows of one headless browser: none is throttled for being in the background.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface Party {
  role: Role;
  label: string;
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export interface CameraOptions {
  width: number;
  height: number;
  fps: number;
  /**
   * Latency mode: read the time code of every received frame, and draw the camera on every
   * animation frame. Off: count received frames only, and draw at the capture rate (cheaper pages).
   */
  decode: boolean;
}

const PAGE_PATH = '/__bench/video';

export class VideoEnv {
  private constructor(
    readonly janus: TestJanus,
    readonly provisioned: Provisioned,
    readonly server: RunningServer,
    readonly browser: Browser,
    private readonly html: string,
    private readonly undo: (() => Promise<unknown>)[],
  ) {}

  static async start(o: {
    agents: number;
    capacity: number;
    signal: AbortSignal;
    janusIce?: JanusIceMode;
  }): Promise<VideoEnv> {
    const why = await janusUnavailableReason();
    if (why) throw new Error(`video benchmarks need Janus and network namespaces: ${why}`);
    const undo: (() => Promise<unknown>)[] = [];
    const step = async <T>(what: string, p: Promise<T>, ms = 60_000): Promise<T> =>
      withTimeout(p, ms, what, o.signal);
    try {
      const html = await step('build the test page', buildTestPage());
      const janus = await step(
        'start Janus in a namespace',
        startTestJanus(o.janusIce ? { ice: o.janusIce } : {}),
      );
      undo.push(() => janus.stop());
      const provisioned = await step(
        'prepare the database',
        provision({ agents: o.agents, capacity: o.capacity }),
      );
      undo.push(() => provisioned.cleanup());
      const server = await step(
        'start the server',
        startServer({
          dataDir: provisioned.dataDir,
          env: {
            ...provisioned.env,
            JANUS_URL: janus.url,
            ...CROWD_FROM_ONE_ADDRESS,
            LOG_LEVEL: 'warn',
          },
        }),
      );
      undo.push(() => server.stop());
      const browser = await step(
        'launch Chromium',
        chromium.launch({
          executablePath: CHROMIUM_PATH,
          args: [...CHROMIUM_ARGS, ...EXTRA_CHROMIUM_ARGS],
          headless: true,
          // Playwright's own Ctrl-C handler exits the process once the browser is closed, before
          // this run has stopped the server and Janus and removed its files: bench/run.ts handles
          // the signals (abort, then close() below).
          handleSIGINT: false,
          handleSIGTERM: false,
        }),
      );
      undo.push(() => browser.close());
      return new VideoEnv(janus, provisioned, server, browser, html, undo);
    } catch (e) {
      for (const f of undo.reverse()) await f().catch(() => undefined);
      throw e;
    }
  }

  get agentEmails(): string[] {
    return this.provisioned.agentEmails;
  }

  get agentPassword(): string {
    return BENCH_PASSWORD;
  }

  /** A page on the server's origin (so the agent's login cookie applies to its WebSocket), its own context. */
  async party(role: Role, label: string, camera: CameraOptions): Promise<Party> {
    // bypassCSP: the 404 document the page starts from carries the server's CSP (no inline
    // script), and the test page replacing it is one inline script.
    const context = await this.browser.newContext({ viewport: { width: 480, height: 360 }, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
    // A document the server itself served (so Chromium's local-network-access checks see a
    // loopback page talking to loopback, and the login cookie is same-origin with the WebSocket),
    // whose content is then replaced: setContent keeps the document's URL and origin.
    await page.goto(`${this.server.url}${PAGE_PATH}`);
    await page.setContent(this.html);
    await page.evaluate((c) => window.VV.init(c), { role, ...camera });
    return { role, label, context, page, errors };
  }

  /** Connects two parties' pages for the direct path: signalling relayed through this process. */
  async linkDirect(a: Party, b: Party, maxBitrate: number): Promise<void> {
    const relay = (to: Party) => async (msg: DirectSignal) => {
      await to.page
        .evaluate(([m, br]) => window.VV.directSignal(m, br), [msg, maxBitrate] as const)
        .catch(() => undefined);
    };
    await a.page.exposeFunction('__vvSignal', relay(b)).catch(() => undefined);
    await b.page.exposeFunction('__vvSignal', relay(a)).catch(() => undefined);
  }

  /** The server's process id (the harness spawns node directly: its child is the server). */
  async serverPid(): Promise<number | null> {
    for (const pid of await childPids(process.pid)) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmd.includes('apps/server/src/main.ts')) return pid;
    }
    return null;
  }

  /** Janus's pid: JanusProcess spawns `ip netns exec … setpriv … janus`, each exec'ing the next. */
  janusPid(): number | null {
    return this.janus.process.pid;
  }

  async close(): Promise<void> {
    for (const f of this.undo.reverse()) await f().catch(() => undefined);
    this.undo.length = 0;
  }
}

// ---------------------------------------------------------------- page helpers (typed wrappers)

export const vv = {
  times: (p: Party, callId: string) =>
    p.page.evaluate((id) => window.VV.times(id), callId) as Promise<CallTimes | null>,
  counters: (p: Party) => p.page.evaluate(() => window.VV.mediaCounters()) as Promise<MediaCounters>,
  /** Receive figures of the page's live call(s) or direct path since the last take, then reset. */
  take: (p: Party) => p.page.evaluate(() => window.VV.takeReceivers()) as Promise<ReceiverReport[]>,
  reset: (p: Party) => p.page.evaluate(() => window.VV.resetReceivers()),
  drawn: (p: Party) => p.page.evaluate(() => window.VV.drawnFrames()),
  errorFrames: (p: Party) => p.page.evaluate(() => window.VV.errorFrames()),
  log: (p: Party) => p.page.evaluate(() => window.VV.log()),
};

// ---------------------------------------------------------------- CPU time from /proc
// Synchronous reads on purpose: one snapshot of all processes takes a few ms and is not spread over
// seconds of event-loop turns when the machine is saturated (which skewed the shares).

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on Linux on every common architecture. */
const CLOCK_TICKS = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, ms (all threads, also exited ones). */
  cpu: number;
}

function procStat(pid: number): ProcStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    ppid: Number(f[1]),
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    cpu: (Number(f[11]) + Number(f[12])) * (1000 / CLOCK_TICKS),
  };
}

function allProcs(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.flatMap((n) => (/^\d+$/.test(n) ? (procStat(Number(n)) ?? []) : []));
}

/** utime + stime of one process, ms; null when it is gone. */
export function processCpuMs(pid: number | null): number | null {
  return pid === null ? null : (procStat(pid)?.cpu ?? null);
}

async function childPids(parent: number): Promise<number[]> {
  return allProcs()
    .filter((p) => p.ppid === parent)
    .map((p) => p.pid);
}

/** CPU ms of every descendant of this process whose name matches (Chromium's processes). */
export function descendantsCpuMs(match: RegExp): number {
  const procs = allProcs();
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  return procs
    .filter((p) => p.pid !== process.pid && mine.has(p.pid) && match.test(p.comm))
    .reduce((a, p) => a + p.cpu, 0);
}

/** CPU time (ms) the whole machine spent busy (not idle or waiting on I/O), from /proc/stat. */
export function machineCpuMs(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return (f.reduce((a, b) => a + b, 0) - f[3]! - f[4]!) * (1000 / CLOCK_TICKS);
  } catch {
    return null;
  }
}

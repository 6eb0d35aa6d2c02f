// The crowd of the idle-sockets benchmark: N sockets spread over holder processes (holder.ts) and
// over loopback source addresses, `perAddress` sockets from each, so that neither the server's
// per-address limits nor one address's ~28k ephemeral ports are what the run measures.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../e2e/harness/server.js';
import type { ConnectCommand, HolderCommand, HolderReport, HolderStats } from './holder.js';

const HOLDER = fileURLToPath(new URL('./holder.ts', import.meta.url));

/**
 * The source address of the a-th block: 127.0.1.1, 127.0.1.2, … 127.0.1.250, 127.0.2.1, …
 * (127.0.0.x is left to the probe and to other benchmarks; all of 127/8 reaches lo on Linux).
 */
export function loopbackAddress(block: number): string {
  return `127.0.${1 + Math.floor(block / 250)}.${1 + (block % 250)}`;
}

export interface CrowdOptions {
  count: number;
  perAddress: number;
  perHolder: number;
  /** Sockets being set up at once over all holders. */
  concurrency: number;
  clientPingSeconds: number;
}

export interface Connected {
  ok: number;
  failures: Record<string, number>;
  connectMs: number[];
  wallMs: number;
}

/** Holder processes, each forked with tsx and talked to over IPC, one request at a time. */
export class Crowd {
  private readonly holders: ChildProcess[] = [];

  constructor(private readonly o: CrowdOptions) {}

  get pids(): number[] {
    return this.holders.flatMap((h) => (h.pid === undefined ? [] : [h.pid]));
  }

  /** Opens the whole crowd against one endpoint; resolves when every holder has finished. */
  async connect(wsUrl: string, httpUrl: string | null, siteKey: string): Promise<Connected> {
    const n = Math.max(1, Math.ceil(this.o.count / this.o.perHolder));
    const addresses = Array.from({ length: this.o.count }, (_, i) => loopbackAddress(Math.floor(i / this.o.perAddress)));
    const share = Math.ceil(this.o.count / n);
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: n }, (_, h) => {
        const holder = fork(HOLDER, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        this.holders.push(holder);
        const cmd: ConnectCommand = {
          type: 'connect',
          wsUrl,
          httpUrl,
          siteKey,
          addresses: addresses.slice(h * share, (h + 1) * share),
          concurrency: Math.ceil(this.o.concurrency / n),
          clientPingSeconds: this.o.clientPingSeconds,
        };
        return ask(holder, cmd, 'connected');
      }),
    );
    const failures: Record<string, number> = {};
    for (const a of answers) for (const [why, k] of Object.entries(a.failures)) failures[why] = (failures[why] ?? 0) + k;
    return {
      ok: answers.reduce((k, a) => k + a.ok, 0),
      failures,
      connectMs: answers.flatMap((a) => a.connectMs),
      wallMs: performance.now() - t0,
    };
  }

  async stats(): Promise<HolderStats> {
    const all = await Promise.all(this.holders.map((h) => ask(h, { type: 'stats' }, 'stats')));
    return {
      open: all.reduce((k, s) => k + s.open, 0),
      unexpectedCloses: all.reduce((k, s) => k + s.unexpectedCloses, 0),
      serverPings: all.reduce((k, s) => k + s.serverPings, 0),
      frames: all.reduce((k, s) => k + s.frames, 0),
    };
  }

  /** Terminates every socket and lets the holders exit (a holder that does not answer is killed). */
  async close(): Promise<void> {
    await Promise.all(
      this.holders.map(async (h) => {
        if (h.exitCode !== null || !h.connected) return;
        const exited = new Promise((r) => h.once('exit', r));
        await Promise.race([ask(h, { type: 'close' }, 'closed').catch(() => {}), sleepMs(5_000)]);
        h.kill();
        await Promise.race([exited, sleepMs(5_000)]);
      }),
    );
    this.holders.length = 0;
  }
}

const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ask<T extends HolderReport['type']>(
  holder: ChildProcess,
  cmd: HolderCommand,
  answer: T,
): Promise<Extract<HolderReport, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: HolderReport) => {
      if (m.type !== answer) return;
      holder.off('message', onMessage);
      holder.off('exit', onExit);
      resolve(m as Extract<HolderReport, { type: T }>);
    };
    const onExit = (code: number | null) => {
      holder.off('message', onMessage);
      reject(new Error(`a socket holder exited (code ${code}) before answering ${cmd.type}`));
    };
    holder.on('message', onMessage);
    holder.once('exit', onExit);
    holder.send(cmd);
  });
}

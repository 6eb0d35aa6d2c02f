import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import net from 'node:net';
import { Listeners } from './listeners.js';
import { reapLeftoverJanus, removeJanusPid, writeJanusPid } from './janus-pidfile.js';
import { writeJanusConfig, type JanusConfigOptions } from './janus-config.js';

/**
 * Embedded mode: Janus as a child process with a configuration directory we generate. It is
 * spawned, considered ready once its WebSocket port accepts connections, restarted with back-off
 * when it dies, and stopped (SIGTERM, then SIGKILL) on shutdown. If this Node process dies
 * without stopping it, the kernel kills Janus too (setpriv --pdeathsig), so no orphan keeps the
 * ports; where that cannot work, the pid file in the configuration directory lets the next start
 * stop the leftover Janus first (janus-pidfile.ts).
 */
export interface JanusProcessOptions {
  /** The janus executable. */
  bin: string;
  config: JanusConfigOptions;
  /** Command to run Janus under, e.g. ['ip', 'netns', 'exec', 'vv-123-0'] in tests. */
  wrap?: string[];
  readyTimeoutMs?: number;
  /** Delay before restart n after an unexpected exit; null gives up. */
  restartDelayMs?: (attempt: number) => number | null;
  /** Each line Janus prints (it logs to stdout). */
  onOutput?: (line: string) => void;
}

export type JanusProcessEvent =
  | { type: 'started'; pid: number; readyMs: number }
  /** A Janus left running by an earlier server process (found by its pid file) was stopped. */
  | { type: 'reaped'; pid: number }
  | { type: 'exited'; code: number | null; signal: NodeJS.Signals | null; expected: boolean }
  | { type: 'restarting'; attempt: number; delayMs: number }
  | { type: 'restart_failed'; attempt: number; error: string }
  | { type: 'gave_up'; attempts: number };

/** 100 ms doubling to 10 s; counting restarts again once Janus has run for a minute. */
export const defaultRestartDelay = (attempt: number): number => Math.min(10_000, 100 * 2 ** (attempt - 1));
const STABLE_AFTER_MS = 60_000;
const KEPT_LINES = 200;

/** Children alive in this process, killed synchronously if Node exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export class JanusProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  /** Restarts begin only after a first successful start: a bad config must fail start(). */
  private supervising = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private restarts = 0;
  private startedAt = 0;
  private readonly lines: string[] = [];
  private readonly events = new Listeners<JanusProcessEvent>();

  constructor(private readonly opts: JanusProcessOptions) {}

  /** True when `bin` is an executable file (Janus is installed). */
  static async isInstalled(bin: string): Promise<boolean> {
    return access(bin, fsConstants.X_OK).then(
      () => true,
      () => false,
    );
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get url(): string {
    return `ws://${this.reachableHost()}:${this.opts.config.wsPort}`;
  }

  get adminUrl(): string {
    return `ws://${this.reachableHost()}:${this.opts.config.adminPort}`;
  }

  /** The last lines Janus printed, for error messages. */
  recentOutput(): string {
    return this.lines.join('\n');
  }

  on(listener: (e: JanusProcessEvent) => void): () => void {
    return this.events.add(listener);
  }

  /** Writes the configuration, spawns Janus and resolves when its WebSocket port answers. */
  async start(): Promise<void> {
    this.stopping = false;
    const jcfg = await writeJanusConfig(this.opts.config);
    const leftover = await reapLeftoverJanus(this.opts.config.dir, this.opts.bin);
    if (leftover !== null) this.events.emit({ type: 'reaped', pid: leftover });
    await this.spawnOnce(jcfg);
    this.supervising = true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.supervising = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await exited(child, 3_000))) {
      child.kill('SIGKILL');
      await exited(child, 3_000);
    }
  }

  private async spawnOnce(jcfg: string): Promise<void> {
    const wrap = this.opts.wrap ?? [];
    // setpriv (util-linux) asks the kernel to kill Janus when its parent dies; it then execs
    // Janus, so the child's pid is Janus's own.
    const guard = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--'] : [];
    const argv = [...wrap, ...guard, this.opts.bin, '-C', jcfg, '-F', this.opts.config.dir];
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    installExitHook();
    const pid = child.pid;
    if (pid !== undefined) writeJanusPid(this.opts.config.dir, pid);
    let spawnError: Error | null = null;
    child.once('error', (e) => (spawnError = e));
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        this.lines.push(line);
        if (this.lines.length > KEPT_LINES) this.lines.shift();
        this.opts.onOutput?.(line);
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (pid !== undefined) removeJanusPid(this.opts.config.dir, pid);
      const expected = this.stopping || this.child !== child;
      this.events.emit({ type: 'exited', code, signal, expected });
      if (!expected && this.supervising) this.scheduleRestart(jcfg);
    });

    const deadline = started + (this.opts.readyTimeoutMs ?? 10_000);
    while (!(await portAnswers(this.reachableHost(), this.opts.config.wsPort))) {
      const gone = child.exitCode !== null || child.signalCode !== null || spawnError !== null;
      if (gone || performance.now() > deadline) {
        if (!gone) child.kill('SIGKILL');
        const why = spawnError
          ? `cannot run ${argv[0]}: ${(spawnError as Error).message}`
          : gone
            ? 'Janus exited'
            : 'timed out';
        this.child = null;
        throw new Error(`Janus did not start (${why}). Its last output:\n${this.recentOutput()}`);
      }
      await sleep(20);
    }
    this.startedAt = performance.now();
    this.events.emit({ type: 'started', pid: child.pid!, readyMs: Math.round(this.startedAt - started) });
  }

  private scheduleRestart(jcfg: string): void {
    if (this.stopping || this.restartTimer) return;
    if (performance.now() - this.startedAt > STABLE_AFTER_MS) this.restarts = 0;
    const attempt = ++this.restarts;
    const delayMs = (this.opts.restartDelayMs ?? defaultRestartDelay)(attempt);
    if (delayMs === null) {
      this.events.emit({ type: 'gave_up', attempts: attempt - 1 });
      return;
    }
    this.events.emit({ type: 'restarting', attempt, delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.spawnOnce(jcfg).catch((e: unknown) => {
        this.events.emit({
          type: 'restart_failed',
          attempt,
          error: e instanceof Error ? e.message : String(e),
        });
        this.scheduleRestart(jcfg);
      });
    }, delayMs);
    this.restartTimer.unref();
  }

  private reachableHost(): string {
    const h = this.opts.config.wsHost;
    return h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '::1' : h;
  }
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(500);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Starts the real Visavis server (apps/server/src/main.ts) as a child process for e2e and
// server tests: free port, fresh temporary DATA_DIR, waits for GET /readyz.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StartServerOptions {
  /** Extra environment for the server; wins over everything else. */
  env?: Record<string, string>;
  /** Use this data directory (kept on stop). Default: a fresh temp dir, removed on stop(). */
  dataDir?: string;
  /** Entry file relative to the repository root. Default: apps/server/src/main.ts. */
  entry?: string;
  /** How long to wait for GET /readyz = 200. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface RunningServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  dataDir: string;
  /** SIGTERM (SIGKILL after 5 s); removes the data dir if the harness created it. */
  stop(): Promise<void>;
  /**
   * Stops the process and starts it again on the same port and data dir. `whileDown` runs in
   * between, when the old process has exited and the port is closed.
   */
  restart(opts?: { whileDown?: () => Promise<void> }): Promise<void>;
  /** Everything the server printed so far (stdout and stderr, interleaved). */
  logs(): string;
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const HOST = '127.0.0.1';
const KILL_GRACE_MS = 5_000;
const MAX_LOG_CHARS = 2_000_000;

// Children still alive when the test process exits are killed, so a failed test never
// leaves a server holding a port.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A port that was free a moment ago (the OS picks it for a listener on port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not get a free port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'visavis-e2e-')));
  const entry = opts.entry ?? 'apps/server/src/main.ts';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  let logText = '';
  let child: ChildProcess | undefined;
  let port = 0;

  const append = (chunk: Buffer | string) => {
    logText += chunk.toString();
    if (logText.length > MAX_LOG_CHARS) logText = logText.slice(-MAX_LOG_CHARS);
  };

  const launch = async (): Promise<void> => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // A database URL from the caller's shell must not leak into a test server.
    delete env.DATABASE_URL;
    // No embedded Janus unless the test asks (JANUS_BIN / JANUS_URL in opts.env): on the root
    // namespace it would offer the machine's own address for media.
    Object.assign(env, { PORT: String(port), HOST, DATA_DIR: dataDir, JANUS_BIN: 'off' }, opts.env);
    const proc = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    live.add(proc);
    proc.stdout?.on('data', append);
    proc.stderr?.on('data', append);
    let exited = false;
    let spawnError: Error | undefined;
    proc.once('error', (err) => {
      spawnError = err;
      exited = true;
    });
    proc.once('exit', (code, signal) => {
      exited = true;
      live.delete(proc);
      append(`[harness] server exited (code ${code}, signal ${signal})\n`);
    });

    const url = `http://${HOST}:${port}/readyz`;
    const deadline = Date.now() + readyTimeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(
          `server exited before it was ready${spawnError ? `: ${spawnError.message}` : ''}\n--- server output ---\n${logText}`,
        );
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await sleep(100);
    }
    await kill();
    throw new Error(
      `server not ready within ${readyTimeoutMs / 1000} s (GET ${url}: ${last})\n--- server output ---\n${logText}`,
    );
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      if (!(await waitForExit(proc, KILL_GRACE_MS))) {
        append('[harness] no exit 5 s after SIGTERM, sending SIGKILL\n');
        proc.kill('SIGKILL');
        await waitForExit(proc, KILL_GRACE_MS);
      }
    }
    live.delete(proc);
  };

  // The free port may be taken by someone else before the server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const logStart = logText.length;
    try {
      await launch();
      break;
    } catch (err) {
      const inUse = /EADDRINUSE/.test(logText.slice(logStart));
      if (!inUse || attempt >= 3) {
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
        throw err;
      }
      append(`[harness] port ${port} was taken, retrying on another port\n`);
    }
  }

  return {
    url: `http://${HOST}:${port}`,
    port,
    dataDir,
    async stop() {
      await kill();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
    async restart(restartOpts) {
      await kill();
      append('[harness] restarting\n');
      await restartOpts?.whileDown?.();
      await launch();
    },
    logs: () => logText,
  };
}

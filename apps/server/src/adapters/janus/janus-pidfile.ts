import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The embedded Janus's pid, kept in its configuration directory (under DATA_DIR) while it runs.
 * If the server died in a way that left Janus alive (no setpriv on the machine, SIGKILL of a
 * wrapper), the next start finds the pid here and stops that Janus before spawning a new one,
 * so no orphan holds the ports or the recordings. A pid is only killed when /proc shows it is
 * still a Janus started with this same configuration directory: pids are reused.
 */
export const JANUS_PID_FILE = 'janus.pid';

export function writeJanusPid(dir: string, pid: number): void {
  writeFileSync(path.join(dir, JANUS_PID_FILE), `${pid}\n`, { mode: 0o600 });
}

/** Removes the pid file if it still names `pid` (a newer Janus may have replaced it). */
export function removeJanusPid(dir: string, pid: number): void {
  const file = path.join(dir, JANUS_PID_FILE);
  try {
    if (Number.parseInt(readFileSync(file, 'utf8'), 10) === pid) unlinkSync(file);
  } catch {
    // Already gone: nothing to clean.
  }
}

/** True when the process `pid` runs `bin` (same path or same file name) with `-F dir`. */
export async function isJanusOf(pid: number, bin: string, dir: string): Promise<boolean> {
  let argv: string[];
  try {
    argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  } catch {
    return false;
  }
  const program = argv[0] ?? '';
  const sameProgram = program === bin || path.basename(program) === path.basename(bin);
  const f = argv.indexOf('-F');
  return sameProgram && f >= 0 && path.resolve(argv[f + 1] ?? '') === path.resolve(dir);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops a Janus a previous run of this server left behind (SIGTERM, SIGKILL after `graceMs`) and
 * removes its pid file. Answers the pid it stopped, or null when there was none to stop.
 */
export async function reapLeftoverJanus(dir: string, bin: string, graceMs = 3_000): Promise<number | null> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(path.join(dir, JANUS_PID_FILE), 'utf8'), 10);
  } catch {
    return null;
  }
  const stale = !Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid || !(await isJanusOf(pid, bin, dir));
  if (stale) {
    removeJanusPid(dir, pid);
    return null;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && (await isJanusOf(pid, bin, dir)) && Date.now() < deadline) await sleep(25);
  if (alive(pid) && (await isJanusOf(pid, bin, dir))) process.kill(pid, 'SIGKILL');
  removeJanusPid(dir, pid);
  return pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

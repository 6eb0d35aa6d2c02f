import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JANUS_PID_FILE, reapLeftoverJanus, writeJanusPid } from './janus-pidfile.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A leftover "Janus" is a sleeping process whose argv reads like the embedded one
 * (`<bin> -C <cfg> -F <dir>`): what the reaper checks in /proc before it kills.
 */
describe('janus pid file', () => {
  const children: ChildProcess[] = [];
  let dir = '';
  afterEach(async () => {
    for (const c of children) c.kill('SIGKILL');
    children.length = 0;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function fakeJanus(configDir: string): Promise<{ bin: string; child: ChildProcess }> {
    const bin = path.join(dir, 'janus');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300_000)', '--', '-C', 'cfg', '-F', configDir], { argv0: bin, stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => setTimeout(r, 200));
    return { bin, child };
  }

  it('stops a Janus left running with this configuration directory and removes the pid file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vv-janus-pid-'));
    const { bin, child } = await fakeJanus(dir);
    writeJanusPid(dir, child.pid!);
    expect(await reapLeftoverJanus(dir, bin, 1_000)).toBe(child.pid);
    await new Promise((r) => setTimeout(r, 100));
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    expect(await reapLeftoverJanus(dir, bin)).toBeNull();
  });

  it('leaves alone a pid that is not that Janus (reused pid, another directory) and forgets the file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vv-janus-pid-'));
    const other = spawn('/bin/sleep', ['300'], { stdio: 'ignore' });
    children.push(other);
    const { bin, child } = await fakeJanus(path.join(dir, 'elsewhere'));
    for (const pid of [other.pid!, child.pid!, process.pid, 999_999_999]) {
      writeJanusPid(dir, pid);
      expect(await reapLeftoverJanus(dir, bin), `pid ${pid}`).toBeNull();
    }
    expect(alive(other.pid!)).toBe(true);
    expect(alive(child.pid!)).toBe(true);
    await writeFile(path.join(dir, JANUS_PID_FILE), 'garbage');
    expect(await reapLeftoverJanus(dir, bin)).toBeNull();
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const TSX = path.resolve(__dirname, '../../../../node_modules/.bin/tsx');

/** Runs a small program with the safety nets installed in a child process (they act on the whole process). */
async function runWithSafety(body: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vv-safety-'));
  const file = path.join(dir, 'program.ts');
  await writeFile(
    file,
    `import { installProcessSafety } from ${JSON.stringify(path.resolve(__dirname, 'process-safety.ts'))};
const log = { error: (o: object, m: string) => console.log('ERROR', m, String((o as { err?: unknown }).err)), fatal: (o: object, m: string) => console.log('FATAL', m, String((o as { err?: unknown }).err)) };
installProcessSafety({ log: () => log, stopMedia: async () => { await new Promise((r) => setTimeout(r, 50)); console.log('media stopped'); } });
${body}`,
  );
  const r = spawnSync(TSX, [file], { encoding: 'utf8', timeout: 30_000 });
  await rm(dir, { recursive: true, force: true });
  return { status: r.status, out: r.stdout };
}

describe('process safety nets', () => {
  it('logs an unhandled rejection and keeps the process running', async () => {
    const { status, out } = await runWithSafety(`void Promise.reject(new Error('lost promise'));
setTimeout(() => { console.log('still running'); }, 200);`);
    expect(out).toContain('ERROR unhandled promise rejection');
    expect(out).toContain('lost promise');
    expect(out).toContain('still running');
    expect(status).toBe(0);
  });

  it('on an uncaught exception logs it, stops the media server first, and exits non-zero', async () => {
    const { status, out } = await runWithSafety(`setTimeout(() => { throw new Error('boom'); }, 10);
setTimeout(() => console.log('should not run'), 5_000);`);
    expect(out).toContain('FATAL uncaught exception');
    expect(out).toContain('boom');
    expect(out.indexOf('media stopped')).toBeGreaterThan(out.indexOf('FATAL'));
    expect(out).not.toContain('should not run');
    expect(status).toBe(1);
  });
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTar } from '../src/recording/tar.js';
import { api, recordedCall, whileRecording } from './compliance-fixtures.js';
import { startTestServer, type TestServer } from './support.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The CLI as an operator runs it: a separate process, judged by its exit status and output. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'apps/server/src/cli/main.ts', ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Unpacks with our own reader (no dependency on the system tar in CI). */
async function extract(tarFile: string, into: string): Promise<string> {
  const bytes = await readFile(tarFile);
  let root = '';
  for (const e of await listTar(tarFile)) {
    if (e.type !== 'file') continue;
    root = e.name.split('/')[0]!;
    await mkdir(path.dirname(path.join(into, e.name)), { recursive: true });
    await writeFile(path.join(into, e.name), bytes.subarray(e.offset, e.offset + e.size));
  }
  return path.join(into, root);
}

describe('visavis verify (CLI)', () => {
  let t: TestServer;
  let dir: string;
  let tarFile: string;
  let keyFile: string;
  let recordingId: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'vv-cli-'));
    const fx = await recordedCall(t);
    const rec = await t.server.compliance.recordings.register(
      { callId: fx.callId, kind: 'participant', party: 'agent', mime: 'video/webm' },
      Readable.from([randomBytes(50_000)]),
    );
    recordingId = rec.id;
    await t.server.compliance.recordings.register(
      { callId: fx.callId, kind: 'snapshot', party: 'visitor', mime: 'image/jpeg' },
      Readable.from([randomBytes(3_000)]),
    );
    await whileRecording(t, fx.callId, () => api(t, fx.cookies.agent1).post(`/api/calls/${fx.callId}/marks`, { atMs: 3000, label: 'Consent given' }));
    const { url } = (await (await api(t, fx.cookies.supervisor).post(`/api/calls/${fx.callId}/evidence`)).json()) as { url: string };
    tarFile = path.join(dir, 'evidence.tar');
    await writeFile(tarFile, Buffer.from(await (await api(t, fx.cookies.supervisor).get(url)).arrayBuffer()));
    keyFile = path.join(dir, 'server-key.pem');
    const key = (await (await api(t, null).get('/api/compliance/public-key')).json()) as { publicKeyPem: string };
    await writeFile(keyFile, key.publicKeyPem);
    fx.close();
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  const fresh = async (name: string) => extract(tarFile, path.join(dir, name));

  it('verifies the package as downloaded and as extracted, with the pinned server key', async () => {
    const asTar = await cli('verify', tarFile);
    expect(asTar.stdout).toContain('result:    OK');
    expect(asTar.code).toBe(0);
    const pkg = await fresh('good');
    const pinned = await cli('verify', pkg, '--public-key', keyFile);
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain('pinned with --public-key');
    expect(pinned.stdout).toMatch(/ok\s+snapshots\/snapshot-visitor-.*\.jpg/);
  }, 60_000);

  it('fails naming the file when one byte of it changed', async () => {
    const pkg = await fresh('byte');
    const media = path.join(pkg, 'media', `participant-agent-${recordingId}.webm`);
    const b = await readFile(media);
    b[1234] = b[1234]! ^ 0x01;
    await writeFile(media, b);
    const r = await cli('verify', pkg);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`ALTERED\\s+media/participant-agent-${recordingId}\\.webm`));
    expect(r.stdout).toContain('result:    FAILED');
  }, 60_000);

  it('fails without the signature, with a swapped manifest, and with an added file', async () => {
    const unsigned = await fresh('unsigned');
    await rm(path.join(unsigned, 'manifest.sig'));
    const r1 = await cli('verify', unsigned);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain('manifest.sig is missing');

    const swapped = await fresh('swapped');
    const mf = path.join(swapped, 'manifest.json');
    const manifest = JSON.parse(await readFile(mf, 'utf8')) as { createdBy: { name: string } };
    manifest.createdBy.name = 'Someone Else';
    await writeFile(mf, JSON.stringify(manifest, null, 2) + '\n');
    const r2 = await cli('verify', swapped, '--json');
    expect(r2.code).toBe(1);
    expect(JSON.parse(r2.stdout)).toMatchObject({ ok: false, signature: 'invalid' });

    const extra = await fresh('extra');
    await writeFile(path.join(extra, 'media', 'inserted.webm'), 'x');
    const r3 = await cli('verify', extra);
    expect(r3.code).toBe(1);
    expect(r3.stdout).toMatch(/EXTRA\s+media\/inserted\.webm/);
  }, 60_000);

  it('exits 2 on usage errors', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli('verify')).code).toBe(2);
    expect((await cli('verify', path.join(dir, 'no-such-package'))).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
  }, 60_000);
});

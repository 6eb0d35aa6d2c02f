import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../audit/canonical.js';
import { fingerprintOf, loadSigningKey, signManifest, verifyManifest, type SigningKey } from './evidence-keys.js';
import { MANIFEST_FORMAT, type Manifest } from './evidence-manifest.js';
import { directorySource, openPackage, verifyPackage } from './evidence-verify.js';
import { tarStream } from './tar.js';

/** A settings table in memory, enough for loadSigningKey. */
function memorySettings() {
  const rows = new Map<string, string>();
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      if (sql.startsWith('insert')) {
        if (!rows.has(params[0] as string)) rows.set(params[0] as string, params[1] as string);
        return [];
      }
      const v = rows.get(params[0] as string);
      return (v === undefined ? [] : [{ value: v }]) as T[];
    },
  };
}

/** Writes a signed package directory the way the server lays it out. */
async function makePackage(root: string, key: SigningKey, files: Record<string, Buffer>) {
  await mkdir(root, { recursive: true });
  const all = { ...files, 'public-key.pem': Buffer.from(key.publicKeyPem) };
  for (const [rel, body] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), body);
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    packageId: '8d7f6a52-2d0e-4d5c-9b1a-1c2f3e4d5a6b',
    createdAt: '2025-03-01T12:00:00.000Z',
    createdBy: { kind: 'agent', id: 'a', name: 'Supervisor' },
    org: { id: 'o', name: 'Bank' },
    call: { id: 'c' },
    conversation: { id: 'v' },
    recordings: [],
    auditHead: { seq: 3, hash: 'a'.repeat(64) },
    signing: { algorithm: 'Ed25519', keyId: key.keyId, publicKeyFile: 'public-key.pem', signatureFile: 'manifest.sig' },
    files: Object.entries(all).map(([p, b]) => ({ path: p, size: b.length, sha256: sha256Hex(b) })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  await writeFile(path.join(root, 'manifest.json'), bytes);
  await writeFile(path.join(root, 'manifest.sig'), signManifest(key, bytes) + '\n');
  return manifest;
}

describe('evidence signing and verification', () => {
  let dir: string;
  let pkg: string;
  let key: SigningKey;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vv-evidence-'));
    pkg = path.join(dir, 'pkg');
    key = await loadSigningKey(memorySettings(), undefined);
    await makePackage(pkg, key, {
      'media/composite-all-1.webm': Buffer.from('webm bytes'),
      'transcript.txt': Buffer.from('Visitor: hello\n'),
      'marks.json': Buffer.from('[]'),
    });
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const check = async (pinned = key.publicKey) => verifyPackage(directorySource(pkg), pinned);

  it('signs with Ed25519 over the exact bytes, and nothing else verifies', () => {
    const m = Buffer.from('{"a":1}');
    const sig = signManifest(key, m);
    expect(Buffer.from(sig, 'base64')).toHaveLength(64);
    expect(verifyManifest(key.publicKey, m, sig)).toBe(true);
    expect(verifyManifest(key.publicKey, Buffer.from('{"a":1} '), sig)).toBe(false);
    expect(verifyManifest(generateKeyPairSync('ed25519').publicKey, m, sig)).toBe(false);
    expect(verifyManifest(key.publicKey, m, 'not base64 at all')).toBe(false);
    expect(key.keyId).toBe(fingerprintOf(key.publicKey).slice(0, 16));
  });

  it('keeps one key: the first stored wins', async () => {
    const db = memorySettings();
    const a = await loadSigningKey(db, undefined);
    const b = await loadSigningKey(db, undefined);
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it('creates a key file 0600 once and refuses one that others can read', async () => {
    const file = path.join(dir, 'key.pem');
    const a = await loadSigningKey(memorySettings(), file);
    const b = await loadSigningKey(memorySettings(), file);
    expect(b.fingerprint).toBe(a.fingerprint);
    const { chmod, stat } = await import('node:fs/promises');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await chmod(file, 0o644);
    await expect(loadSigningKey(memorySettings(), file)).rejects.toThrow(/readable by others/);
  });

  it('verifies an untouched package, as a directory and as a tar', async () => {
    expect(await check()).toMatchObject({ ok: true, signature: 'valid', manifest: 'valid', problems: [] });
    const unpinned = await verifyPackage(directorySource(pkg));
    expect(unpinned).toMatchObject({ ok: true, key: { fingerprint: key.fingerprint, pinned: false } });

    const names = ['manifest.json', 'manifest.sig', 'public-key.pem', 'marks.json', 'transcript.txt', 'media/composite-all-1.webm'];
    const entries = await Promise.all(names.map(async (n) => {
      const body = await readFile(path.join(pkg, n));
      return { name: `evidence-x/${n}`, size: body.length, body };
    }));
    const tar = path.join(dir, 'p.tar');
    await pipeline(tarStream(entries, new Date()), createWriteStream(tar));
    expect(await verifyPackage(await openPackage(tar), key.publicKey)).toMatchObject({ ok: true });
  });

  it('names a file with one changed byte', async () => {
    const f = path.join(pkg, 'media/composite-all-1.webm');
    const b = await readFile(f);
    b[0] = b[0]! ^ 1;
    await writeFile(f, b);
    const r = await check();
    expect(r.ok).toBe(false);
    expect(r.signature).toBe('valid');
    expect(r.files.filter((x) => x.status !== 'ok')).toEqual([expect.objectContaining({ path: 'media/composite-all-1.webm', status: 'altered' })]);
    expect(r.problems.join('\n')).toContain('media/composite-all-1.webm was altered');
  });

  it('names missing, extra and replaced-by-symlink files', async () => {
    await unlink(path.join(pkg, 'marks.json'));
    await writeFile(path.join(pkg, 'media', 'smuggled.webm'), 'x');
    await unlink(path.join(pkg, 'transcript.txt'));
    await symlink(path.join(dir, 'elsewhere.txt'), path.join(pkg, 'transcript.txt'));
    const r = await check();
    const status = Object.fromEntries(r.files.map((f) => [f.path, f.status]));
    expect(status).toMatchObject({ 'marks.json': 'missing', 'media/smuggled.webm': 'extra', 'transcript.txt': 'not_a_file' });
    expect(r.ok).toBe(false);
  });

  it('fails without a signature, with a changed manifest, and with another key', async () => {
    await rm(path.join(pkg, 'manifest.sig'));
    expect(await check()).toMatchObject({ ok: false, signature: 'missing' });

    await rm(pkg, { recursive: true });
    await makePackage(pkg, key, { 'a.txt': Buffer.from('a') });
    const mf = path.join(pkg, 'manifest.json');
    const m = JSON.parse(await readFile(mf, 'utf8')) as Manifest;
    // A consistent forgery: the new file's hash matches, only the signature can tell.
    await writeFile(path.join(pkg, 'a.txt'), 'b');
    m.files = m.files.map((f) => (f.path === 'a.txt' ? { ...f, sha256: sha256Hex('b') } : f));
    await writeFile(mf, JSON.stringify(m, null, 2));
    const forged = await check();
    expect(forged).toMatchObject({ ok: false, signature: 'invalid' });
    expect(forged.files.find((f) => f.path === 'a.txt')?.status).toBe('ok');

    await rm(pkg, { recursive: true });
    await makePackage(pkg, key, { 'a.txt': Buffer.from('a') });
    expect(await check()).toMatchObject({ ok: true });
    const other = await loadSigningKey(memorySettings(), undefined);
    expect(await check(other.publicKey)).toMatchObject({ ok: false, signature: 'invalid' });
  });

  it('reports a malformed manifest', async () => {
    await writeFile(path.join(pkg, 'manifest.json'), '{"format":"something else"}');
    expect(await check()).toMatchObject({ ok: false, manifest: 'malformed', signature: 'invalid' });
  });
});

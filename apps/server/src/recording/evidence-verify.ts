import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fingerprintOf, publicKeyFromPem, verifyManifest } from './evidence-keys.js';
import { Manifest, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE } from './evidence-manifest.js';
import { listTar } from './tar.js';

/** A package to check: an extracted directory or the .tar itself. Paths are relative, '/'-separated. */
export interface PackageSource {
  /** Every entry: regular files with their size; anything else (links, devices) as 'other'. */
  entries(): Promise<Map<string, { type: 'file' | 'other'; size: number }>>;
  open(rel: string): Promise<Readable>;
}

export function directorySource(root: string): PackageSource {
  return {
    async entries() {
      const out = new Map<string, { type: 'file' | 'other'; size: number }>();
      const walk = async (dir: string, prefix: string): Promise<void> => {
        for (const d of await readdir(dir, { withFileTypes: true })) {
          const rel = prefix ? `${prefix}/${d.name}` : d.name;
          const full = path.join(dir, d.name);
          if (d.isDirectory()) await walk(full, rel);
          // lstat: a symlink is reported, never followed (it could point at the untampered original).
          else out.set(rel, d.isFile() ? { type: 'file', size: (await lstat(full)).size } : { type: 'other', size: 0 });
        }
      };
      await walk(root, '');
      return out;
    },
    async open(rel) {
      return createReadStream(path.join(root, ...rel.split('/')));
    },
  };
}

/** A tar as written by the server (one top-level directory) or re-packed by hand (with or without one). */
export async function tarSource(file: string): Promise<PackageSource> {
  const listing = (await listTar(file)).filter((e) => e.type !== 'directory');
  const tops = new Set(listing.map((e) => (e.name.includes('/') ? e.name.split('/')[0]! : '')));
  const strip = tops.size === 1 && !tops.has('') && !listing.some((e) => e.name === MANIFEST_FILE) ? `${[...tops][0]}/` : '';
  const byName = new Map(listing.map((e) => [e.name.slice(strip.length), e]));
  return {
    async entries() {
      return new Map([...byName].map(([n, e]) => [n, { type: e.type === 'file' ? 'file' : 'other', size: e.size }] as const));
    },
    async open(rel) {
      const e = byName.get(rel);
      if (!e) throw new Error(`no ${rel} in the archive`);
      // An empty range cannot be expressed with start/end (end is inclusive).
      if (e.size === 0) return Readable.from([]);
      return createReadStream(file, { start: e.offset, end: e.offset + e.size - 1 });
    },
  };
}

export type FileStatus = 'ok' | 'altered' | 'missing' | 'extra' | 'not_a_file';

export interface FileCheck {
  path: string;
  status: FileStatus;
  expected?: { size: number; sha256: string };
  found?: { size: number; sha256?: string };
}

export interface PackageReport {
  ok: boolean;
  signature: 'valid' | 'invalid' | 'missing';
  manifest: 'valid' | 'missing' | 'malformed';
  /** Fingerprint of the key the signature was checked with; `pinned` = given by the caller. */
  key: { fingerprint: string; pinned: boolean } | null;
  files: FileCheck[];
  problems: string[];
}

async function readSmall(src: PackageSource, rel: string, max = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of await src.open(rel)) {
    n += (c as Buffer).length;
    if (n > max) throw new Error(`${rel} is larger than ${max} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

async function hashOf(src: PackageSource, rel: string): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of await src.open(rel)) {
    size += (c as Buffer).length;
    h.update(c as Buffer);
  }
  return { size, sha256: h.digest('hex') };
}

/**
 * Checks a package: the Ed25519 signature over manifest.json's bytes, then every listed file's
 * size and SHA-256, and that nothing unlisted was added. Checks go on after a failure so the
 * report names everything that is wrong. Without a pinned key the package's own public-key.pem
 * is used, which only proves integrity against that key: compare its fingerprint with the
 * server's (GET /api/compliance/public-key) or pass the key.
 */
export async function verifyPackage(src: PackageSource, pinnedKey?: KeyObject): Promise<PackageReport> {
  const report: PackageReport = { ok: false, signature: 'missing', manifest: 'missing', key: null, files: [], problems: [] };
  const entries = await src.entries();
  const isFile = (rel: string) => entries.get(rel)?.type === 'file';

  let manifestBytes: Buffer | null = null;
  if (isFile(MANIFEST_FILE)) manifestBytes = await readSmall(src, MANIFEST_FILE);
  else report.problems.push(`${MANIFEST_FILE} is missing`);

  let key: KeyObject | null = pinnedKey ?? null;
  if (!key) {
    if (isFile(PUBLIC_KEY_FILE)) {
      try {
        key = publicKeyFromPem((await readSmall(src, PUBLIC_KEY_FILE, 64 * 1024)).toString('utf8'));
      } catch (e) {
        report.problems.push(`${PUBLIC_KEY_FILE} is not a usable Ed25519 public key: ${(e as Error).message}`);
      }
    } else report.problems.push(`${PUBLIC_KEY_FILE} is missing`);
  }
  if (key) report.key = { fingerprint: fingerprintOf(key), pinned: !!pinnedKey };

  if (!isFile(SIGNATURE_FILE)) report.problems.push(`${SIGNATURE_FILE} is missing: the package is not signed`);
  else if (manifestBytes && key) {
    const sig = (await readSmall(src, SIGNATURE_FILE, 4096)).toString('utf8');
    report.signature = verifyManifest(key, manifestBytes, sig) ? 'valid' : 'invalid';
    if (report.signature === 'invalid') report.problems.push(`${SIGNATURE_FILE} does not verify: ${MANIFEST_FILE} was changed or signed by another key`);
  } else report.signature = 'invalid';

  let manifest: Manifest | null = null;
  if (manifestBytes) {
    try {
      manifest = Manifest.parse(JSON.parse(manifestBytes.toString('utf8')));
      report.manifest = 'valid';
    } catch (e) {
      report.manifest = 'malformed';
      report.problems.push(`${MANIFEST_FILE} is malformed: ${(e as Error).message.slice(0, 300)}`);
    }
  }
  if (manifest && report.key && manifest.signing.keyId !== report.key.fingerprint.slice(0, 16)) {
    report.problems.push(`the manifest names key ${manifest.signing.keyId}, the signature was checked with ${report.key.fingerprint.slice(0, 16)}`);
  }

  if (manifest) {
    const listed = new Set<string>();
    for (const f of manifest.files) {
      listed.add(f.path);
      const expected = { size: f.size, sha256: f.sha256 };
      const e = entries.get(f.path);
      if (!e) {
        report.files.push({ path: f.path, status: 'missing', expected });
        report.problems.push(`${f.path} is missing`);
      } else if (e.type !== 'file') {
        report.files.push({ path: f.path, status: 'not_a_file', expected });
        report.problems.push(`${f.path} is not a regular file`);
      } else {
        const found = await hashOf(src, f.path);
        const ok = found.size === f.size && found.sha256 === f.sha256;
        report.files.push({ path: f.path, status: ok ? 'ok' : 'altered', expected, found });
        if (!ok) report.problems.push(`${f.path} was altered (${found.size === f.size ? 'content' : `size ${found.size}, expected ${f.size}`})`);
      }
    }
    for (const [rel, e] of entries) {
      if (listed.has(rel) || rel === MANIFEST_FILE || rel === SIGNATURE_FILE) continue;
      report.files.push({ path: rel, status: 'extra', found: { size: e.size } });
      report.problems.push(`${rel} is not listed in the manifest`);
    }
  }
  report.ok = report.problems.length === 0 && report.signature === 'valid' && report.manifest === 'valid';
  return report;
}

/** A directory, or a tar file; anything else is a usage error for the caller to report. */
export async function openPackage(target: string): Promise<PackageSource> {
  const st = await lstat(target);
  if (st.isDirectory()) return directorySource(target);
  if (st.isFile()) return tarSource(target);
  throw new Error(`${target} is neither a directory nor a file`);
}

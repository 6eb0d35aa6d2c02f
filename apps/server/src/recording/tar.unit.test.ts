import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSafeTarName, listTar, tarStream, type TarEntry, type WrittenEntry } from './tar.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const hasTar = (() => {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('tar writer and reader', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vv-tar-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const write = async (entries: TarEntry[] | AsyncIterable<TarEntry>, onEntry?: (e: WrittenEntry) => void) => {
    const file = path.join(dir, 'out.tar');
    await pipeline(tarStream(entries, new Date('2025-03-01T12:00:00Z'), onEntry), createWriteStream(file));
    return file;
  };

  const files = {
    'pkg/a.txt': Buffer.from('hello\n'),
    'pkg/empty.json': Buffer.alloc(0),
    'pkg/media/exactly-512.bin': randomBytes(512),
    'pkg/media/odd.bin': randomBytes(70_001),
    // Longer than 100 bytes: goes through the ustar prefix field.
    [`pkg/${'d'.repeat(90)}/${'f'.repeat(60)}.bin`]: randomBytes(33),
  };

  it('writes whole records that list back with the right names, sizes, offsets and hashes', async () => {
    const seen: WrittenEntry[] = [];
    const file = await write(Object.entries(files).map(([name, body]) => ({ name, size: body.length, body })), (e) => seen.push(e));
    const bytes = await readFile(file);
    expect(bytes.length % 10240).toBe(0);
    expect(seen).toEqual(Object.entries(files).map(([name, body]) => ({ name, size: body.length, sha256: sha(body) })));
    const listing = await listTar(file);
    expect(listing.map((e) => e.name)).toEqual(Object.keys(files));
    for (const e of listing) {
      expect(e.type).toBe('file');
      expect(bytes.subarray(e.offset, e.offset + e.size).equals(files[e.name as keyof typeof files]!)).toBe(true);
    }
  });

  it.skipIf(!hasTar)('is read by the system tar, contents byte for byte', async () => {
    const file = await write(Object.entries(files).map(([name, body]) => ({ name, size: body.length, body })));
    const out = path.join(dir, 'x');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xf', file, '-C', out]);
    for (const [name, body] of Object.entries(files)) expect((await readFile(path.join(out, name))).equals(body)).toBe(true);
    expect(execFileSync('tar', ['-tvf', file]).toString()).toContain('visavis/visavis');
  });

  it('streams lazily: an entry is reported before the next is asked for (a manifest can come last)', async () => {
    const seen: WrittenEntry[] = [];
    async function* gen(): AsyncGenerator<TarEntry> {
      yield { name: 'p/one', size: 3, body: async () => Readable.from([Buffer.from('a'), Buffer.from('bc')]) };
      expect(seen.map((s) => s.name)).toEqual(['p/one']);
      const manifest = Buffer.from(JSON.stringify(seen));
      yield { name: 'p/manifest.json', size: manifest.length, body: manifest };
    }
    const file = await write(gen(), (e) => seen.push(e));
    const [, m] = await listTar(file);
    const body = (await readFile(file)).subarray(m!.offset, m!.offset + m!.size);
    expect(JSON.parse(body.toString())).toEqual([{ name: 'p/one', size: 3, sha256: sha(Buffer.from('abc')) }]);
  });

  it('fails the archive when a body is shorter or longer than declared', async () => {
    await expect(write([{ name: 'p/short', size: 10, body: Buffer.from('abc') }])).rejects.toThrow(/has 3 bytes, declared 10/);
    await expect(write([{ name: 'p/long', size: 2, body: async () => Readable.from([Buffer.from('abc')]) }])).rejects.toThrow(/longer/);
  });

  it('refuses unsafe names', async () => {
    for (const bad of ['/etc/passwd', '../x', 'a/../b', 'a//b', 'a/./b', 'a b', 'é', 'dir/', '']) expect(isSafeTarName(bad)).toBe(false);
    expect(isSafeTarName('evidence-1/media/composite-all-x.webm')).toBe(true);
    await expect(write([{ name: '../evil', size: 0, body: Buffer.alloc(0) }])).rejects.toThrow(/unsafe/);
  });

  it('reports a corrupted header and a cut-off archive', async () => {
    const file = await write([{ name: 'p/a', size: 600, body: randomBytes(600) }]);
    const bytes = await readFile(file);
    const flipped = Buffer.from(bytes);
    flipped[10] = flipped[10]! ^ 0xff;
    await writeFile(file, flipped);
    await expect(listTar(file)).rejects.toThrow(/checksum/);
    await writeFile(file, bytes.subarray(0, 700));
    await expect(listTar(file)).rejects.toThrow(/cut off/);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobTooLargeError, type BlobStore } from '../../ports/blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';

async function bytes(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The BlobStore contract every adapter must keep (the S3-compatible one too, when it comes):
 * run it against each with a factory for a fresh, empty store.
 */
function blobStoreContract(name: string, make: () => Promise<{ store: BlobStore; dispose(): Promise<void> }>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await make());
    });
    afterEach(async () => dispose());

    it('stores a stream and answers its size and SHA-256', async () => {
      const data = randomBytes(200_000);
      const res = await store.put('org/conv/blob-1', Readable.from([data.subarray(0, 1000), data.subarray(1000)]), 1_000_000);
      expect(res).toEqual({ size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      expect((await bytes(await store.get('org/conv/blob-1'))).equals(data)).toBe(true);
    });

    it('reads an inclusive byte range', async () => {
      const data = randomBytes(5000);
      await store.put('r/blob', Readable.from([data]), 10_000);
      expect((await bytes(await store.get('r/blob', { start: 100, end: 199 }))).equals(data.subarray(100, 200))).toBe(true);
      expect((await bytes(await store.get('r/blob', { start: 4999, end: 4999 }))).equals(data.subarray(4999))).toBe(true);
      expect((await bytes(await store.get('r/blob', { start: 0, end: 4999 }))).equals(data)).toBe(true);
    });

    it('refuses a stream over the limit and keeps nothing of it', async () => {
      await expect(store.put('big/blob', Readable.from([randomBytes(600), randomBytes(600)]), 1000)).rejects.toBeInstanceOf(BlobTooLargeError);
      await expect(store.get('big/blob')).rejects.toThrow();
    });

    it('deletes, and deleting again (or something never stored) is not an error', async () => {
      await store.put('d/blob', Readable.from([Buffer.from('x')]), 10);
      await store.delete('d/blob');
      await expect(store.get('d/blob')).rejects.toThrow();
      await expect(store.delete('d/blob')).resolves.toBeUndefined();
      await expect(store.delete('never/stored')).resolves.toBeUndefined();
    });

    it('removes only writes that never finished and are older than asked', async () => {
      await store.put('k/done', Readable.from([Buffer.from('kept')]), 10);
      expect(await store.removeIncomplete(new Date(Date.now() + 60_000))).toBe(0);
      expect((await bytes(await store.get('k/done'))).toString()).toBe('kept');
    });

    it('refuses keys that could leave the store', async () => {
      for (const key of ['../x', 'a/../../b', '..', 'a b', 'a.b', 'a\\b']) {
        await expect(store.put(key, Readable.from([Buffer.from('x')]), 10)).rejects.toThrow(/invalid blob key/);
      }
    });
  });
}

let root = '';
blobStoreContract('FsBlobStore', async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vv-blobs-'));
  return { store: new FsBlobStore(root), dispose: () => rm(root, { recursive: true, force: true }) };
});

describe('FsBlobStore', () => {
  it('removes the stale half-written files a killed process left, not a younger one being written', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vv-blobs-'));
    const store = new FsBlobStore(dir);
    await mkdir(path.join(dir, 'org', 'conv'), { recursive: true });
    const stale = path.join(dir, 'org', 'conv', 'a.partial');
    await writeFile(stale, randomBytes(100));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    await writeFile(path.join(dir, 'org', 'conv', 'b.partial'), randomBytes(100));
    await store.put('org/conv/c', Readable.from([Buffer.from('c')]), 10);
    expect(await store.removeIncomplete(new Date(Date.now() - 600_000))).toBe(1);
    expect((await readdir(path.join(dir, 'org', 'conv'))).sort()).toEqual(['b.partial', 'c']);
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing to remove in a store never written to', async () => {
    expect(await new FsBlobStore(path.join(os.tmpdir(), `vv-none-${Date.now()}`)).removeIncomplete(new Date())).toBe(0);
  });

  it('leaves no partial file behind after a refused upload', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vv-blobs-'));
    const store = new FsBlobStore(dir);
    await expect(store.put('p/blob', Readable.from([randomBytes(2000)]), 1000)).rejects.toThrow();
    expect(await readdir(path.join(dir, 'p'))).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
});

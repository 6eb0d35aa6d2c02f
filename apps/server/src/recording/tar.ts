import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * A small ustar (POSIX.1-1988) writer and reader: evidence packages are tar files that any `tar`
 * extracts, and writing them needs no dependency. Regular files only; sizes of 8 GiB and more use
 * the GNU base-256 size field, which GNU tar and bsdtar read.
 */

const BLOCK = 512;
/** Tar files are padded to whole records of 20 blocks, as tar(1) writes them. */
const RECORD = 20 * BLOCK;
const OCTAL_SIZE_MAX = 8 ** 11 - 1;

export interface TarEntry {
  /** Path inside the archive: [A-Za-z0-9._-] segments separated by '/', no '.' or '..' segments. */
  name: string;
  size: number;
  /** The bytes: exactly `size` of them, or the archive fails. */
  body: Buffer | (() => Promise<Readable>);
}

export interface WrittenEntry {
  name: string;
  size: number;
  sha256: string;
}

export function isSafeTarName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || name.startsWith('/') || name.endsWith('/')) return false;
  return name.split('/').every((seg) => /^[A-Za-z0-9._-]+$/.test(seg) && seg !== '.' && seg !== '..');
}

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'ascii');
  if (bytes.length > length) throw new Error(`tar: field too long: ${value}`);
  bytes.copy(buf, offset);
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  writeString(buf, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function header(name: string, size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    // Split at a '/' so that the prefix fits 155 bytes and the rest 100.
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || name.length - cut - 1 > 100) throw new Error(`tar: name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  writeString(h, 0, 100, base);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  if (size <= OCTAL_SIZE_MAX) writeOctal(h, 124, 12, size);
  else {
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(size), 124 + 4);
  }
  writeOctal(h, 136, 12, Math.floor(mtime.getTime() / 1000));
  h.fill(0x20, 148, 156); // checksum computed with its own field as spaces
  h[156] = 0x30; // '0': regular file
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, 'visavis');
  writeString(h, 297, 32, 'visavis');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/**
 * Streams a tar of `entries`, pulled one at a time: an entry's SHA-256 is reported (onEntry)
 * before the next entry is requested, so a generator can end with a manifest of what it wrote.
 */
export function tarStream(
  entries: AsyncIterable<TarEntry> | Iterable<TarEntry>,
  mtime: Date,
  onEntry: (e: WrittenEntry) => void = () => {},
): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    let total = 0;
    for await (const entry of entries) {
      if (!isSafeTarName(entry.name)) throw new Error(`tar: unsafe entry name ${JSON.stringify(entry.name)}`);
      if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new Error(`tar: bad size for ${entry.name}`);
      yield header(entry.name, entry.size, mtime);
      const hash = createHash('sha256');
      let written = 0;
      const source = Buffer.isBuffer(entry.body) ? [entry.body] : await entry.body();
      for await (const chunk of source as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (written > entry.size) throw new Error(`tar: ${entry.name} is longer than its declared ${entry.size} bytes`);
        hash.update(chunk);
        yield chunk;
      }
      if (written !== entry.size) throw new Error(`tar: ${entry.name} has ${written} bytes, declared ${entry.size}`);
      const pad = (BLOCK - (entry.size % BLOCK)) % BLOCK;
      if (pad > 0) yield Buffer.alloc(pad);
      total += BLOCK + entry.size + pad;
      onEntry({ name: entry.name, size: entry.size, sha256: hash.digest('hex') });
    }
    // Two zero blocks end the archive; then pad to a whole record.
    total += 2 * BLOCK;
    yield Buffer.alloc(2 * BLOCK + ((RECORD - (total % RECORD)) % RECORD));
  }
  return Readable.from(generate(), { objectMode: false });
}

export interface TarListing {
  name: string;
  /** 'file', 'directory' or 'other' (links, devices, pax headers: never in our packages). */
  type: 'file' | 'directory' | 'other';
  size: number;
  /** Where the entry's data starts in the tar file. */
  offset: number;
}

function readString(buf: Buffer, offset: number, length: number): string {
  const field = buf.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function readSize(buf: Buffer): number {
  if ((buf[124]! & 0x80) !== 0) {
    const n = buf.readBigUInt64BE(124 + 4);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('tar: entry too large');
    return Number(n);
  }
  const text = readString(buf, 124, 12).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error('tar: bad size field');
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  const stored = readString(h, 148, 8).trim();
  return /^[0-7]+$/.test(stored) && parseInt(stored, 8) === sum;
}

/** Lists the entries of a tar file by reading only its headers (the data is read later, by range). */
export async function listTar(file: string): Promise<TarListing[]> {
  const fh = await open(file, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const out: TarListing[] = [];
    const h = Buffer.alloc(BLOCK);
    let pos = 0;
    while (pos + BLOCK <= fileSize) {
      const { bytesRead } = await fh.read(h, 0, BLOCK, pos);
      if (bytesRead < BLOCK) throw new Error('tar: truncated header');
      if (h.every((b) => b === 0)) return out;
      if (!checksumOk(h)) throw new Error(`tar: bad header checksum at offset ${pos}`);
      const prefix = readString(h, 345, 155);
      const base = readString(h, 0, 100);
      const name = (prefix ? `${prefix}/${base}` : base).replace(/^\.\//, '');
      const flag = String.fromCharCode(h[156]!);
      const size = readSize(h);
      const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';
      if (pos + BLOCK + size > fileSize) throw new Error(`tar: ${name} is cut off`);
      out.push({ name: type === 'directory' ? name.replace(/\/$/, '') : name, type, size, offset: pos + BLOCK });
      pos += BLOCK + size + ((BLOCK - (size % BLOCK)) % BLOCK);
    }
    throw new Error('tar: no end-of-archive marker');
  } finally {
    await fh.close();
  }
}

// Small real PNG files for upload tests, made in memory (no fixtures, no image library): a
// diagonal gradient between two colours with a white "document" card on it, so that the
// pictures in screenshots look like something a customer would send.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export type Rgb = readonly [number, number, number];

/** Is (x, y) on the white card, and on one of its grey "text lines"? Fractions of the size. */
function card(fx: number, fy: number): 'card' | 'line' | 'accent' | null {
  if (fx < 0.14 || fx > 0.86 || fy < 0.16 || fy > 0.84) return null;
  const lines: [number, number][] = [
    [0.24, 0.5],
    [0.38, 0.72],
    [0.5, 0.64],
    [0.62, 0.7],
  ];
  if (fy > 0.7 && fy < 0.76 && fx > 0.2 && fx < 0.44) return 'accent';
  for (const [y, end] of lines) if (fy > y && fy < y + 0.05 && fx > 0.2 && fx < end) return 'line';
  return 'card';
}

/** An RGB PNG of `width` x `height`: a gradient from `from` (top left) to `to` (bottom right) behind a card. */
export function gradientPng(width: number, height: number, from: Rgb, to: Rgb): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let o = 0;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const on = card(x / width, y / height);
      const t = (x / width + y / height) / 2;
      const mix = (ch: 0 | 1 | 2) => Math.round(from[ch] + (to[ch] - from[ch]) * t);
      const rgb: Rgb =
        on === 'card'
          ? [255, 255, 255]
          : on === 'line'
            ? [205, 212, 225]
            : on === 'accent'
              ? from
              : [mix(0), mix(1), mix(2)];
      raw[o++] = rgb[0];
      raw[o++] = rgb[1];
      raw[o++] = rgb[2];
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export function pngFile(name: string, from: Rgb, to: Rgb, width = 320, height = 200): UploadFile {
  return { name, mimeType: 'image/png', buffer: gradientPng(width, height, from, to) };
}

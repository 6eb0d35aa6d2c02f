import { describe, expect, it } from 'vitest';
import { imageSize, sniffStill } from './image-header.js';

// 38×22 stills made with ffmpeg (lavfi color source): the parser reads what real encoders write.
const b64 = (s: string) => Buffer.from(s, 'base64');
const JPEG = b64(
  '/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABNAAEBAAAAAAAAAAAAAAAAAAAABgEBAQEAAAAAAAAAAAAAAAAAAAYHEAEAAAAAAAAAAAAAAAAAAAAAEQEAAAAAAAAAAAAAAAAAAAAA/8AAEQgAFgAmAwEiAAIRAAMRAP/aAAwDAQACEQMRAD8AiwEo38AAAAAAAAAB/9k=',
);
const PNG = b64(
  'iVBORw0KGgoAAAANSUhEUgAAACYAAAAWCAIAAAAjJXlUAAAACXBIWXMAAAABAAAAAQBPJcTWAAAAJUlEQVR4nGP4y8BAZ0Rv+0atHLVy1MpRK0etHLVy1MpRK0eYlQDOdDpiSTT5VAAAAABJRU5ErkJggg==',
);
const WEBP_LOSSY = b64('UklGRk4AAABXRUJQVlA4IEIAAABQAwCdASomABYAPpFGnkslo6KhpWgAsBIJZwDO3oAAK/fDcAD+7tPf/2LOWwLx//7nA/7nA/7nA/jbB+29aoAAAAA=');
const WEBP_LOSSLESS = b64('UklGRhwAAABXRUJQVlA4TA8AAAAvJUAFAAcQ9Y/+ByKi/wEA');
const WEBP_EXTENDED = b64(
  'UklGRnIAAABXRUJQVlA4WAoAAAAQAAAAJQAAFQAAQUxQSAoAAAABB9C/iAhERP8DVlA4IEIAAABQAwCdASomABYAPpFGnkslo6KhpWgAsBIJZwDO3oAAK/fDcAD+7tPf/2LOWwLx//7nA/7nA/7nA/jbB+29aoAAAAA=',
);

/** A JPEG header by hand: SOI, an APP1 segment of `appBytes`, then a frame header `sof`. */
function jpeg(sof: number, width: number, height: number, appBytes = 0): Buffer {
  const app = Buffer.alloc(4 + appBytes);
  app.writeUInt16BE(0xffe1, 0);
  app.writeUInt16BE(appBytes + 2, 2);
  const frame = Buffer.from([0xff, sof, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app, frame, Buffer.from([0xff, 0xda, 0x00, 0x02, 0xff, 0xd9])]);
}

describe('image header sizes', () => {
  it('reads the size of real JPEG, PNG and WebP (lossy, lossless, extended) files', () => {
    expect(imageSize(JPEG, 'image/jpeg')).toEqual({ width: 38, height: 22 });
    expect(imageSize(PNG, 'image/png')).toEqual({ width: 38, height: 22 });
    expect(imageSize(WEBP_LOSSY, 'image/webp')).toEqual({ width: 38, height: 22 });
    expect(imageSize(WEBP_LOSSLESS, 'image/webp')).toEqual({ width: 38, height: 22 });
    expect(imageSize(WEBP_EXTENDED, 'image/webp')).toEqual({ width: 38, height: 22 });
  });

  it('finds a baseline or progressive frame header behind large metadata segments', () => {
    expect(imageSize(jpeg(0xc0, 1920, 1080, 60_000), 'image/jpeg')).toEqual({ width: 1920, height: 1080 });
    expect(imageSize(jpeg(0xc2, 4032, 3024, 10), 'image/jpeg')).toEqual({ width: 4032, height: 3024 });
    expect(imageSize(jpeg(0xc1, 640, 480), 'image/jpeg')).toEqual({ width: 640, height: 480 });
  });

  it('refuses bytes that are not of the declared type, or have no usable size', () => {
    expect(imageSize(PNG, 'image/jpeg')).toBeNull();
    expect(imageSize(JPEG, 'image/png')).toBeNull();
    expect(imageSize(JPEG, 'image/webp')).toBeNull();
    expect(imageSize(Buffer.from('GIF89a......................'), 'image/png')).toBeNull();
    expect(imageSize(Buffer.alloc(0), 'image/jpeg')).toBeNull();
    // DHT (C4) is not a frame header; scan data before a frame header; a zero height (DNL).
    expect(imageSize(jpeg(0xc4, 100, 100), 'image/jpeg')).toBeNull();
    expect(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]), 'image/jpeg')).toBeNull();
    expect(imageSize(jpeg(0xc0, 100, 0), 'image/jpeg')).toBeNull();
    // Truncated inside the headers.
    expect(imageSize(JPEG.subarray(0, 100), 'image/jpeg')).toBeNull();
    expect(imageSize(PNG.subarray(0, 20), 'image/png')).toBeNull();
    expect(imageSize(WEBP_LOSSY.subarray(0, 26), 'image/webp')).toBeNull();
    // Garbage between segments.
    const broken = jpeg(0xc0, 10, 10);
    broken[2] = 0x00;
    expect(imageSize(broken, 'image/jpeg')).toBeNull();
  });

  it('tells the type from the magic number', () => {
    expect(sniffStill(JPEG)).toBe('image/jpeg');
    expect(sniffStill(PNG)).toBe('image/png');
    expect(sniffStill(WEBP_LOSSLESS)).toBe('image/webp');
    expect(sniffStill(Buffer.from('%PDF-1.4'))).toBeNull();
  });
});

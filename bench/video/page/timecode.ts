// The time code drawn into the sender's camera frames and read back on the receiving side, for
// glass-to-glass latency (method: /work/shared/notes/browser-testing.md). 40 bits: the low 32 bits
// of the sender's wall clock in ms, then a CRC-8 of those 4 bytes, drawn as an 8 x 5 grid of
// black/white blocks over the whole frame; the reader samples the centre of each block in a small
// copy of the frame (160x120 here), so scaling and compression blur do not matter.

export const COLS = 8;
export const ROWS = 5;
const BITS = COLS * ROWS; // 32 bits of time + 8 bits of check

/** CRC-8, polynomial 0x07 (ATM), over the 4 bytes of the code. */
export function crc8(value: number): number {
  let crc = 0;
  for (let b = 3; b >= 0; b--) {
    crc ^= (value >>> (b * 8)) & 0xff;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** The 40 bits for a time in ms (only its low 32 bits are kept), most significant first. */
export function codeBits(ms: number): boolean[] {
  const low = (Math.floor(ms) % 2 ** 32) >>> 0;
  const check = crc8(low);
  const bits: boolean[] = [];
  for (let i = 31; i >= 0; i--) bits.push(((low >>> i) & 1) === 1);
  for (let i = 7; i >= 0; i--) bits.push(((check >>> i) & 1) === 1);
  return bits;
}

/** Draws the code for `ms` over the whole canvas (white = 1). */
export function drawCode(ctx: CanvasRenderingContext2D, width: number, height: number, ms: number): void {
  const bits = codeBits(ms);
  const cw = width / COLS;
  const ch = height / ROWS;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  for (let i = 0; i < BITS; i++) {
    if (!bits[i]) continue;
    const col = i % COLS;
    const row = Math.floor(i / COLS);
    ctx.fillRect(Math.round(col * cw), Math.round(row * ch), Math.ceil(cw), Math.ceil(ch));
  }
}

/**
 * Reads the code back from RGBA pixels of a width x height image of the frame: the low 32 bits of
 * the sender's ms clock, or null when the check byte does not match (a torn or blurred frame).
 */
export function readCode(rgba: Uint8ClampedArray, width: number, height: number): number | null {
  const cw = width / COLS;
  const ch = height / ROWS;
  let value = 0;
  let check = 0;
  for (let i = 0; i < BITS; i++) {
    const cx = Math.floor((i % COLS) * cw + cw / 2);
    const cy = Math.floor(Math.floor(i / COLS) * ch + ch / 2);
    // Mean luma of a 3x3 patch at the block's centre.
    let sum = 0;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const o = ((cy + dy) * width + (cx + dx)) * 4;
        sum += (rgba[o]! * 2 + rgba[o + 1]! * 5 + rgba[o + 2]!) / 8;
      }
    }
    const bit = sum / 9 >= 128 ? 1 : 0;
    if (i < 32) value = ((value << 1) | bit) >>> 0;
    else check = (check << 1) | bit;
  }
  return crc8(value) === check ? value : null;
}

/**
 * Receiver's clock minus the code's time, in ms, for a code holding the low 32 bits of the
 * sender's clock (the same clock: both pages run in one browser).
 */
export function latencyMs(receiverMs: number, code: number): number {
  const d = (receiverMs - code) % 2 ** 32;
  // Into (-2^31, 2^31]: a code from slightly in the future comes out negative, not huge.
  return ((d + 2 ** 32 + 2 ** 31) % 2 ** 32) - 2 ** 31;
}

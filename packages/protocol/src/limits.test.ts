import { describe, expect, it } from 'vitest';
import { ALLOWED_UPLOAD_TYPES, LIMITS } from './limits.js';

describe('LIMITS', () => {
  it('are positive integers where they are sizes or counts', () => {
    const numeric = Object.entries(LIMITS).filter(([, v]) => typeof v === 'number');
    expect(numeric.length).toBeGreaterThanOrEqual(9);
    for (const [name, value] of numeric) {
      expect(Number.isSafeInteger(value), name).toBe(true);
      expect(value as number, name).toBeGreaterThan(0);
    }
  });

  it('let the longest possible message.send fit in one WebSocket frame, even fully escaped', () => {
    // The worst case per UTF-16 unit on the wire is a JSON escape like \u0001: six bytes.
    const frame = JSON.stringify({
      type: 'message.send',
      rid: 'r'.repeat(64),
      conversationId: 'c'.repeat(64),
      clientMsgId: 'm'.repeat(64),
      text: '\u0001'.repeat(LIMITS.textMessageChars),
      blobId: 'b'.repeat(64),
    });
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(LIMITS.wsFrameBytes);
  });

  it('keep text limits in a sensible range for a chat', () => {
    expect(LIMITS.textMessageChars).toBeGreaterThanOrEqual(1000);
    expect(LIMITS.textMessageChars).toBeLessThanOrEqual(LIMITS.wsFrameBytes / 6);
    expect(LIMITS.csatCommentChars).toBeLessThanOrEqual(LIMITS.textMessageChars);
    expect(LIMITS.nameChars).toBeLessThan(LIMITS.attributeValueChars);
    expect(LIMITS.urlChars).toBeGreaterThanOrEqual(2000);
  });

  it('keep uploads between 1 MiB and 100 MiB and pages of events reasonable', () => {
    expect(LIMITS.uploadBytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(LIMITS.uploadBytes).toBeLessThanOrEqual(100 * 1024 * 1024);
    expect(LIMITS.eventsPageSize).toBeGreaterThanOrEqual(50);
    expect(LIMITS.eventsPageSize).toBeLessThanOrEqual(1000);
  });
});

describe('ALLOWED_UPLOAD_TYPES', () => {
  it('is the image types plus the file types, without duplicates', () => {
    expect(ALLOWED_UPLOAD_TYPES).toEqual([...LIMITS.imageTypes, ...LIMITS.fileTypes]);
    expect(new Set(ALLOWED_UPLOAD_TYPES).size).toBe(ALLOWED_UPLOAD_TYPES.length);
  });

  it('lists lower-case type/subtype names only, images under image/', () => {
    for (const t of ALLOWED_UPLOAD_TYPES) expect(t).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
    for (const t of LIMITS.imageTypes) expect(t.startsWith('image/')).toBe(true);
    for (const t of LIMITS.fileTypes) expect(t.startsWith('image/')).toBe(false);
  });

  it('never allows types a browser would run as active content', () => {
    for (const t of [
      'text/html',
      'image/svg+xml',
      'application/xhtml+xml',
      'application/javascript',
      'text/javascript',
    ]) {
      expect(ALLOWED_UPLOAD_TYPES).not.toContain(t);
    }
  });
});

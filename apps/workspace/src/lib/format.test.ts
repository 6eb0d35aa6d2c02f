import { describe, expect, it } from 'vitest';
import { formatBytes, formatUnread, formatWait, safeUrl, splitLinks } from './format.js';

describe('format', () => {
  it('formats unread badges', () => {
    expect(formatUnread(0)).toBe('');
    expect(formatUnread(-1)).toBe('');
    expect(formatUnread(7)).toBe('7');
    expect(formatUnread(99)).toBe('99');
    expect(formatUnread(100)).toBe('99+');
  });

  it('formats waiting time as a clock', () => {
    expect(formatWait(0)).toBe('0:00');
    expect(formatWait(7_000)).toBe('0:07');
    expect(formatWait(245_900)).toBe('4:05');
    expect(formatWait(3_723_000)).toBe('1:02:03');
    expect(formatWait(-5_000)).toBe('0:00');
    expect(formatWait((2 * 24 + 3) * 3_600_000, { d: '天', h: '小时' })).toBe('2天 3小时');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });

  it('accepts only http(s) and relative URLs', () => {
    expect(safeUrl('/api/blobs/1?sig=x')).toBe('/api/blobs/1?sig=x');
    expect(safeUrl('https://example.com/a')).toBe('https://example.com/a');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('//evil.example/x')).toBeNull();
    expect(safeUrl('data:text/html,hi')).toBeNull();
    expect(safeUrl(null)).toBeNull();
  });

  it('splits links out of text, leaving punctuation outside', () => {
    expect(splitLinks('see https://a.example/x?y=1. thanks')).toEqual([
      { text: 'see ' },
      { text: 'https://a.example/x?y=1', href: 'https://a.example/x?y=1' },
      { text: '. thanks' },
    ]);
    expect(splitLinks('<b>not html</b>')).toEqual([{ text: '<b>not html</b>' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { initials, linkify, safeUrl } from './format.js';
import { checkUpload, effectiveMime } from './files.js';

describe('initials', () => {
  it('handles Latin and CJK names and blanks', () => {
    expect(initials('Alice Smith')).toBe('AS');
    expect(initials('alice')).toBe('AL');
    expect(initials('王小明')).toBe('王');
    expect(initials('Li Na 李娜')).toBe('LN');
    expect(initials('李娜 Nina')).toBe('N');
    expect(initials('  ')).toBe('?');
    expect(initials(null)).toBe('?');
  });
});

describe('safeUrl', () => {
  it('allows http(s) and resolves relative URLs against our page', () => {
    expect(safeUrl('/api/blobs/1?sig=x', 'https://chat.example/w/')).toBe('https://chat.example/api/blobs/1?sig=x');
    expect(safeUrl('https://cdn.example/a.png', 'https://chat.example/w/')).toBe('https://cdn.example/a.png');
  });
  it('refuses script and data URLs', () => {
    expect(safeUrl('javascript:alert(1)', 'https://chat.example/')).toBeNull();
    expect(safeUrl(' JavaScript:alert(1)', 'https://chat.example/')).toBeNull();
    expect(safeUrl('data:text/html,<b>x</b>', 'https://chat.example/')).toBeNull();
    expect(safeUrl('blob:https://chat.example/abc', 'https://chat.example/')).toBeNull();
    expect(safeUrl('blob:https://chat.example/abc', 'https://chat.example/', true)).toBe('blob:https://chat.example/abc');
  });
});

describe('linkify', () => {
  it('splits text and links and leaves trailing punctuation out', () => {
    expect(linkify('see https://bank.example/help. thanks')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://bank.example/help', href: 'https://bank.example/help' },
      { kind: 'text', text: '. thanks' },
    ]);
  });
  it('does not turn javascript: into links', () => {
    expect(linkify('javascript:alert(1)')).toEqual([{ kind: 'text', text: 'javascript:alert(1)' }]);
  });
});

describe('checkUpload', () => {
  it('refuses files over 10 MB and disallowed types', () => {
    expect(checkUpload({ name: 'a.png', size: 10 * 1024 * 1024 + 1, type: 'image/png' })).toBe('tooLarge');
    expect(checkUpload({ name: 'a.exe', size: 10, type: 'application/x-msdownload' })).toBe('typeNotAllowed');
    expect(checkUpload({ name: 'a.svg', size: 10, type: 'image/svg+xml' })).toBe('typeNotAllowed');
    expect(checkUpload({ name: 'a.png', size: 1000, type: 'image/png' })).toBeNull();
  });
  it('infers a missing type from the extension', () => {
    expect(effectiveMime({ name: 'Report.DOCX', size: 1, type: '' })).toContain('wordprocessingml');
    expect(checkUpload({ name: 'statement.pdf', size: 5, type: '' })).toBeNull();
    expect(checkUpload({ name: 'noext', size: 5, type: '' })).toBe('typeNotAllowed');
  });
});

import { describe, expect, it } from 'vitest';
import { visitorDisplayName, visitorTag } from './visitor-name.js';

const VISITOR = '03adb4e1-9c2f-4b7a-8d11-5e6f7a8b9c0d';

describe('visitorTag', () => {
  it('takes the first six alphanumerics of the id, upper-cased', () => {
    expect(visitorTag(VISITOR)).toBe('03ADB4');
    expect(visitorTag('ab-cd-ef-gh')).toBe('ABCDEF');
  });
  it('is stable and differs between visitors', () => {
    expect(visitorTag(VISITOR)).toBe(visitorTag(VISITOR));
    expect(visitorTag('300c6b00-0000-4000-8000-000000000000')).not.toBe(visitorTag(VISITOR));
  });
  it('copes with ids shorter than the tag', () => {
    expect(visitorTag('a-1')).toBe('A1');
  });
});

describe('visitorDisplayName', () => {
  it('uses the name the visitor gave, trimmed and on one line', () => {
    expect(visitorDisplayName({ id: VISITOR, name: '  Zhang\n Wei ' })).toBe('Zhang Wei');
  });
  it('falls back to the tag of the visitor id when the name is missing or blank', () => {
    expect(visitorDisplayName({ id: VISITOR })).toBe('Visitor #03ADB4');
    expect(visitorDisplayName({ id: VISITOR, name: null })).toBe('Visitor #03ADB4');
    expect(visitorDisplayName({ id: VISITOR, name: ' \t ' })).toBe('Visitor #03ADB4');
  });
  it('words the anonymous form in the caller\'s language', () => {
    expect(visitorDisplayName({ id: VISITOR, name: '' }, (tag) => `访客 #${tag}`)).toBe('访客 #03ADB4');
  });
});

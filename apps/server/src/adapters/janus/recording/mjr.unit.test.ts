import { describe, expect, it } from 'vitest';
import { groupMjrFiles, parseMjrHeader, targetExtension } from './mjr.js';

describe('groupMjrFiles', () => {
  it('groups <party>-<n>-<kind>.mjr into parties and segments ordered by n', () => {
    const r = groupMjrFiles([
      'visitor-1-video.mjr',
      'agent-10-audio.mjr',
      'agent-2-audio.mjr',
      'agent-2-video.mjr',
      'agent-1-audio.mjr',
      'visitor-1-audio.mjr',
    ]);
    expect(r.parties.agent).toEqual([
      { n: 1, audio: 'agent-1-audio.mjr' },
      { n: 2, audio: 'agent-2-audio.mjr', video: 'agent-2-video.mjr' },
      { n: 10, audio: 'agent-10-audio.mjr' },
    ]);
    expect(r.parties.visitor).toEqual([{ n: 1, audio: 'visitor-1-audio.mjr', video: 'visitor-1-video.mjr' }]);
    expect(r.ignored).toEqual([]);
  });

  it('accepts the m-line index Janus 1.x appends, and keeps the lowest of duplicates', () => {
    const r = groupMjrFiles(['agent-1-video-1.mjr', 'agent-1-audio-0.mjr', 'agent-1-video-3.mjr']);
    expect(r.parties.agent).toEqual([{ n: 1, audio: 'agent-1-audio-0.mjr', video: 'agent-1-video-1.mjr' }]);
    expect(r.ignored).toEqual(['agent-1-video-3.mjr']);
  });

  it('leaves out data channels, temporary names, other files and unknown parties', () => {
    const r = groupMjrFiles([
      'agent-1-data-2.mjr',
      'agent-1-audio.mjr.tmp',
      'notes.txt',
      'supervisor-1-audio.mjr',
      'agent-x-audio.mjr',
    ]);
    expect(r.parties).toEqual({});
    expect(r.ignored).toEqual(['agent-1-data-2.mjr', 'agent-x-audio.mjr', 'supervisor-1-audio.mjr']);
  });
});

describe('parseMjrHeader', () => {
  it('reads janus-pp-rec --json output', () => {
    expect(parseMjrHeader('{"t":"v","c":"VP8","s":1795790646562000,"u":1795790646567000}\n')).toEqual({
      kind: 'video',
      codec: 'vp8',
      createdUs: 1795790646562000,
      firstPacketUs: 1795790646567000,
    });
    expect(parseMjrHeader('noise\n{"t":"a","c":"opus","s":1,"u":2,"x":{"1":"urn:x"}}')).toMatchObject({ kind: 'audio', firstPacketUs: 2 });
    expect(parseMjrHeader('{"t":"d","c":"text","s":1,"u":2}')?.kind).toBe('data');
  });

  it('answers null when there is no usable header (a stream that never got media)', () => {
    expect(parseMjrHeader('')).toBeNull();
    expect(parseMjrHeader('{not json')).toBeNull();
    expect(parseMjrHeader('{"t":"a","c":"opus","s":1}')).toBeNull();
    expect(parseMjrHeader('{"t":"x","c":"opus","s":1,"u":2}')).toBeNull();
  });
});

describe('targetExtension', () => {
  it('follows janus-pp-rec -F', () => {
    expect(targetExtension('opus')).toBe('opus');
    expect(targetExtension('vp8')).toBe('webm');
    expect(targetExtension('vp9')).toBe('webm');
    expect(targetExtension('h264')).toBe('mkv');
    expect(targetExtension('av1')).toBe('mp4');
    expect(targetExtension('pcmu')).toBe('wav');
    expect(targetExtension('text')).toBeNull();
  });
});

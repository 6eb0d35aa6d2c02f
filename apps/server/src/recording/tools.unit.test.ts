import { describe, expect, it } from 'vitest';
import { assertToolsInstalled, parseProbe, PostProcessError, runTool, tail } from './tools.js';

const limits = (ms = 5000) => ({ deadline: Date.now() + ms });

describe('parseProbe', () => {
  it('reads duration, streams and size from ffprobe JSON', () => {
    const json = JSON.stringify({
      format: { duration: '10.021000' },
      streams: [
        { codec_type: 'video', codec_name: 'vp8', width: 1280, height: 360 },
        { codec_type: 'audio', codec_name: 'opus' },
      ],
    });
    expect(parseProbe(json)).toEqual({
      durationMs: 10021,
      hasVideo: true,
      hasAudio: true,
      width: 1280,
      height: 360,
      videoCodec: 'vp8',
      audioCodec: 'opus',
    });
  });

  it('falls back to stream durations, and says what is missing', () => {
    const json = JSON.stringify({ format: {}, streams: [{ codec_type: 'audio', codec_name: 'opus', duration: '2.5' }] });
    expect(parseProbe(json)).toEqual({ durationMs: 2500, hasVideo: false, hasAudio: true, audioCodec: 'opus' });
    expect(parseProbe('{}')).toEqual({ durationMs: 0, hasVideo: false, hasAudio: false });
  });
});

describe('running tools', () => {
  it('keeps the last lines of stderr', () => {
    expect(tail('a\nb\nc\n', 2)).toBe('b\nc');
  });

  it('reports a missing program as tool_missing', async () => {
    await expect(assertToolsInstalled(['/nonexistent/ffmpeg'])).rejects.toMatchObject({ code: 'tool_missing' });
    await expect(runTool('/nonexistent/ffmpeg', [], limits())).rejects.toMatchObject({ code: 'tool_missing' });
  });

  it('reports a failing program with its stderr tail', async () => {
    const err = await runTool('/bin/sh', ['-c', 'echo first >&2; echo boom >&2; exit 3'], limits()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostProcessError);
    expect(err).toMatchObject({ code: 'tool_failed', stderrTail: 'first\nboom' });
  });

  it('kills a program at the deadline or on abort', async () => {
    const t0 = Date.now();
    await expect(runTool('/bin/sleep', ['30'], limits(200))).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(5000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(runTool('/bin/sleep', ['30'], { ...limits(), signal: ac.signal })).rejects.toMatchObject({ code: 'aborted' });
  });

  it('returns stdout when asked', async () => {
    await expect(runTool('/bin/sh', ['-c', 'echo hi'], limits(), true)).resolves.toBe('hi\n');
  });
});

import { describe, expect, it } from 'vitest';
import { FrameBudget, fitBox, layoutBoxes, pickRecorderMime, recorderMimeCandidates } from './call-recorder.js';

describe('call recorder helpers', () => {
  it('letterboxes and pillarboxes a picture into its box, centred', () => {
    expect(fitBox(1280, 720, { x: 0, y: 0, w: 640, h: 480 })).toEqual({ x: 0, y: 60, w: 640, h: 360 });
    expect(fitBox(720, 1280, { x: 0, y: 0, w: 640, h: 480 })).toEqual({ x: 185, y: 0, w: 270, h: 480 });
    expect(fitBox(720, 1280, { x: 640, y: 0, w: 640, h: 480 })).toEqual({ x: 825, y: 0, w: 270, h: 480 });
    expect(fitBox(0, 0, { x: 0, y: 0, w: 640, h: 480 })).toBeNull();
    expect(fitBox(0, 10, { x: 0, y: 0, w: 1, h: 1 })).toBeNull();
  });

  it('lays pictures out side by side in equal columns', () => {
    expect(layoutBoxes('side-by-side', 2, 1280, 480)).toEqual([
      { x: 0, y: 0, w: 640, h: 480 },
      { x: 640, y: 0, w: 640, h: 480 },
    ]);
    expect(layoutBoxes('side-by-side', 3, 1200, 400).map((b) => b.x)).toEqual([0, 400, 800]);
  });

  it('lays pictures out as picture-in-picture: the first full, the others small in the bottom-right corner', () => {
    expect(layoutBoxes('pip', 2, 640, 480)).toEqual([
      { x: 0, y: 0, w: 640, h: 480 },
      { x: 468, y: 308, w: 160, h: 160 },
    ]);
    expect(layoutBoxes('pip', 3, 640, 480)[2]).toEqual({ x: 296, y: 308, w: 160, h: 160 });
    expect(layoutBoxes('pip', 0, 640, 480)).toEqual([]);
  });

  it('picks the first recordable type, webm first, mp4 only where the caller takes it', () => {
    expect(recorderMimeCandidates(true, false)).toEqual(['video/webm;codecs=vp8,opus', 'video/webm']);
    expect(recorderMimeCandidates(false, true)).toEqual(['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4']);
    const safari = (m: string) => m.endsWith('mp4');
    expect(pickRecorderMime(true, { mp4: true }, safari)).toBe('video/mp4');
    expect(pickRecorderMime(true, {}, safari)).toBeNull();
    expect(pickRecorderMime(false, {}, (m) => m === 'audio/webm')).toBe('audio/webm');
    expect(pickRecorderMime(true, {}, () => true)).toBe('video/webm;codecs=vp8,opus');
    // No MediaRecorder (node, old browsers): nothing records.
    expect(pickRecorderMime(true, { mp4: true })).toBeNull();
  });

  it('draws at most fps times a second, and less when a frame takes over a quarter of the main thread', () => {
    const b = new FrameBudget(15);
    expect(b.stats(1000)).toBeNull();
    expect(b.due(0)).toBe(true);
    b.spent(0, 5); // cheap: next frame after 1000/15 ms, less 2 ms of timer slack
    expect(b.due(64)).toBe(false);
    expect(b.due(64.7)).toBe(true);
    b.spent(100, 40); // expensive: 4 × 40 ms
    expect(b.due(257)).toBe(false);
    expect(b.due(258)).toBe(true);
    expect(b.frames).toBe(2);
    expect(b.stats(500)).toEqual({ fps: 2, drawMs: 22.5 }); // under a second counts as one
    expect(b.stats(4000)).toEqual({ fps: 0.5, drawMs: 22.5 });
  });
});

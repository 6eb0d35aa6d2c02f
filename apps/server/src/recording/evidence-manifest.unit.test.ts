import { describe, expect, it } from 'vitest';
import { extensionFor } from './evidence-manifest.js';
import { RegisterRecording } from './recording-service.js';

describe('extensionFor', () => {
  it('names each type the catalog accepts, parameters and case aside', () => {
    expect(extensionFor('video/webm;codecs=vp8,opus')).toBe('webm');
    expect(extensionFor('Audio/WebM')).toBe('weba');
    expect(extensionFor('video/x-matroska')).toBe('mkv');
    expect(extensionFor('image/jpeg')).toBe('jpg');
  });

  it('gives anything else .bin: the catalog refuses it anyway', () => {
    expect(extensionFor('application/x-unknown')).toBe('bin');
    const raw = { callId: '5f1c7d2e-0a4b-4c8e-9d3f-2b6a1e7c9f00', kind: 'participant', party: 'visitor', mime: 'video/x-mjr' } as const;
    expect(RegisterRecording.safeParse({ ...raw, mime: 'video/webm' }).success).toBe(true);
    expect(RegisterRecording.safeParse(raw).success).toBe(false);
    expect(extensionFor(raw.mime)).toBe('bin');
  });
});

import { describe, expect, it } from 'vitest';
import type { CallJoinInfo } from '@visavis/protocol';
import { orderCodecs, profileConstraints, receiveStats, simulcastEncodings } from './call-media.js';

const info = (over: Partial<CallJoinInfo> = {}): CallJoinInfo => ({
  callId: 'k',
  media: 'video',
  profile: '720p',
  iceServers: [],
  videoCodecs: ['vp8', 'h264'],
  audioProcessing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  recording: { mode: 'off', dual: false, script: [], visitorLocal: false },
  ...over,
});

const report = (stats: object[]) => ({ forEach: (cb: (s: unknown) => void) => stats.forEach(cb) });

describe('call media helpers', () => {
  it('asks for the profile resolution with echo cancellation, noise suppression and auto gain', () => {
    const c = profileConstraints(info({ profile: '1080p' }), 'environment');
    expect(c.audio).toEqual({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    expect(c.video).toMatchObject({ width: { ideal: 1920 }, height: { ideal: 1080 }, facingMode: 'environment' });
    expect(profileConstraints(info({ media: 'audio' }), 'user').video).toBe(false);
  });

  it('sends three simulcast layers under the profile cap, top layer (full resolution) first', () => {
    const e = simulcastEncodings(info({ profile: '360p' }));
    expect(e.map((x) => x.scaleResolutionDownBy)).toEqual([1, 2, 4]);
    expect(e[0]!.maxBitrate).toBe(800_000);
    expect(e[0]!.maxBitrate! > e[1]!.maxBitrate! && e[1]!.maxBitrate! > e[2]!.maxBitrate!).toBe(true);
  });

  it('orders codecs by preference and keeps the others after them', () => {
    const codecs = [{ mimeType: 'video/VP9' }, { mimeType: 'video/VP8' }, { mimeType: 'video/H264' }, { mimeType: 'video/rtx' }];
    expect(orderCodecs(codecs, ['h264', 'vp8']).map((c) => c.mimeType)).toEqual(['video/H264', 'video/VP8', 'video/VP9', 'video/rtx']);
  });

  it('turns counters into loss since the last sample and reads the bandwidth estimate', () => {
    const first = receiveStats(
      report([
        { type: 'inbound-rtp', kind: 'video', packetsReceived: 900, packetsLost: 100, freezeCount: 1, framesPerSecond: 24, timestamp: 1000 },
        { type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsLost: 0, timestamp: 1000 },
        { type: 'candidate-pair', state: 'succeeded', nominated: true, availableIncomingBitrate: 1_200_000, currentRoundTripTime: 0.05 },
      ]),
      null,
    );
    expect(first.report).toEqual({ lossPct: (100 / 1100) * 100, availableKbps: 1200, freezeCount: 1, fps: 24, rttMs: 50 });
    const second = receiveStats(
      report([{ type: 'inbound-rtp', kind: 'video', packetsReceived: 1900, packetsLost: 100, freezeCount: 1, timestamp: 4000 }]),
      first.sample,
    );
    expect(second.report.lossPct).toBe(0);
    expect(second.report.availableKbps).toBeNull();
  });
});

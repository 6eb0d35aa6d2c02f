import { CALL_PROFILES, type CallJoinInfo, type CallStatsReport } from '@visavis/protocol';

/**
 * Pure helpers of the browser call engine: capture constraints, simulcast layers, codec order
 * and receive statistics. Kept apart from CallSession so they are unit-tested without a browser.
 */

export function profileConstraints(info: CallJoinInfo, facingMode: 'user' | 'environment'): MediaStreamConstraints {
  const p = CALL_PROFILES[info.profile];
  const audio: MediaTrackConstraints = {
    echoCancellation: info.audioProcessing.echoCancellation,
    noiseSuppression: info.audioProcessing.noiseSuppression,
    autoGainControl: info.audioProcessing.autoGainControl,
  };
  if (info.media === 'audio') return { audio, video: false };
  return {
    audio,
    video: { width: { ideal: p.width }, height: { ideal: p.height }, frameRate: { ideal: p.frameRate, max: 30 }, facingMode },
  };
}

/**
 * Three simulcast layers (full, half, quarter resolution) under the profile's bitrate cap,
 * highest first: the media node (Janus, rid order "hml" by default) numbers the layers by their
 * position in the SDP, so this order makes substream 2 the full-resolution one.
 */
export function simulcastEncodings(info: CallJoinInfo): RTCRtpEncodingParameters[] {
  const max = CALL_PROFILES[info.profile].maxBitrate;
  return [
    { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: max },
    { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: Math.round(max * 0.25) },
    { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: Math.round(max * 0.08) },
  ];
}

/** Puts the preferred video codecs first (H.264 first on Android, where it is hardware-encoded). */
export function sortCodecs(t: RTCRtpTransceiver, prefer: readonly ('vp8' | 'h264')[]): void {
  const caps = (globalThis.RTCRtpSender as typeof RTCRtpSender | undefined)?.getCapabilities?.('video');
  if (!caps || typeof t.setCodecPreferences !== 'function') return;
  t.setCodecPreferences(orderCodecs(caps.codecs, prefer));
}

export function orderCodecs<C extends { mimeType: string }>(codecs: readonly C[], prefer: readonly ('vp8' | 'h264')[]): C[] {
  const rank = (c: C) => {
    const i = prefer.findIndex((p) => c.mimeType.toLowerCase() === `video/${p}`);
    return i === -1 ? prefer.length : i;
  };
  return [...codecs].sort((a, b) => rank(a) - rank(b));
}

/** Counters kept between two stats reports, to turn totals into rates. */
export interface StatsSample {
  at: number;
  packetsReceived: number;
  packetsLost: number;
  freezeCount: number;
}

interface InboundLike {
  type: string;
  kind?: string;
  packetsReceived?: number;
  packetsLost?: number;
  freezeCount?: number;
  framesPerSecond?: number;
  timestamp: number;
}
interface PairLike {
  type: string;
  state?: string;
  nominated?: boolean;
  availableIncomingBitrate?: number;
  currentRoundTripTime?: number;
}

/** Receive-side figures since the previous sample, from an RTCStatsReport of the subscriber. */
export function receiveStats(report: { forEach(cb: (s: unknown) => void): void }, prev: StatsSample | null): { report: CallStatsReport; sample: StatsSample } {
  let received = 0;
  let lost = 0;
  let freezes = 0;
  let fps: number | null = null;
  let at = 0;
  let kbps: number | null = null;
  let rtt: number | null = null;
  report.forEach((raw) => {
    const s = raw as InboundLike & PairLike;
    if (s.type === 'inbound-rtp') {
      received += s.packetsReceived ?? 0;
      lost += Math.max(0, s.packetsLost ?? 0);
      at = Math.max(at, s.timestamp);
      if (s.kind === 'video') {
        freezes += s.freezeCount ?? 0;
        fps = s.framesPerSecond ?? fps;
      }
    } else if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated !== false) {
      if (typeof s.availableIncomingBitrate === 'number') kbps = s.availableIncomingBitrate / 1000;
      if (typeof s.currentRoundTripTime === 'number') rtt = s.currentRoundTripTime * 1000;
    }
  });
  const dRecv = received - (prev?.packetsReceived ?? 0);
  const dLost = lost - (prev?.packetsLost ?? 0);
  const lossPct = dRecv + dLost > 0 ? Math.min(100, Math.max(0, (dLost / (dRecv + dLost)) * 100)) : 0;
  return {
    report: { lossPct, availableKbps: kbps, freezeCount: freezes, fps, rttMs: rtt },
    sample: { at, packetsReceived: received, packetsLost: lost, freezeCount: freezes },
  };
}

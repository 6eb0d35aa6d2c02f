// Per-step timestamps of a call's set-up in the test page (video-setup's breakdown): what each
// PeerConnection does (offer, answer, ICE checking / connected, DTLS connecting / connected, first
// packet of the remote video) and what the page sends and receives over the WebSocket. Each step is
// the first time it happened in the call, wall-clock ms (one clock for every page of the browser).
// On ICE connected the PeerConnection's stats give the round trips it took: connectivity checks
// sent and answered over every candidate pair, and who was ICE controlling and DTLS client.

const wallNow = () => performance.timeOrigin + performance.now();

export type Leg = 'pub' | 'sub';

export class CallSteps {
  /** step name -> first time, wall-clock ms */
  readonly at: Record<string, number> = {};
  /** step name -> figure (ICE checks, pairs, roles) */
  readonly figures: Record<string, number | string> = {};

  mark(step: string): void {
    this.at[step] ??= wallNow();
  }

  add(figure: string, n = 1): void {
    this.figures[figure] = (Number(this.figures[figure]) || 0) + n;
  }
}

interface PairStats {
  type: string;
  state?: string;
  nominated?: boolean;
  requestsSent?: number;
  requestsReceived?: number;
  responsesReceived?: number;
  iceRole?: string;
  dtlsRole?: string;
}

/** Round trips a leg took to connect, from its stats once ICE is connected. */
async function countRoundTrips(pc: RTCPeerConnection, leg: Leg, steps: CallSteps): Promise<void> {
  const report = await pc.getStats().catch(() => null);
  let pairs = 0;
  report?.forEach((raw: unknown) => {
    const s = raw as PairStats;
    if (s.type === 'candidate-pair') {
      pairs++;
      steps.add(`${leg} ICE checks sent`, s.requestsSent ?? 0);
      steps.add(`${leg} ICE checks received`, s.requestsReceived ?? 0);
      steps.add(`${leg} ICE check answers received`, s.responsesReceived ?? 0);
    } else if (s.type === 'transport') {
      if (s.iceRole) steps.figures[`${leg} ICE role (browser)`] = s.iceRole;
      if (s.dtlsRole) steps.figures[`${leg} DTLS role (browser)`] = s.dtlsRole;
    }
  });
  steps.figures[`${leg} candidate pairs`] = pairs;
}

/**
 * Watches one PeerConnection of a call. Which leg it is shows in its first description: the
 * publisher sets a local offer, the subscriber a remote one (the media node offers).
 */
export function watchPeerConnection(pc: RTCPeerConnection, steps: CallSteps): void {
  let leg: Leg | null = null;
  const mark = (what: string) => leg && steps.mark(`${leg} ${what}`);
  const setLocal = pc.setLocalDescription.bind(pc);
  const setRemote = pc.setRemoteDescription.bind(pc);
  pc.setLocalDescription = async (d?: RTCLocalSessionDescriptionInit) => {
    leg ??= d?.type === 'answer' ? 'sub' : 'pub';
    await setLocal(d);
    mark(d?.type === 'answer' ? 'answer set' : 'offer set');
    const transport = pc.getTransceivers()[0]?.sender.transport;
    transport?.addEventListener('statechange', () => mark(`DTLS ${transport.state}`));
  };
  pc.setRemoteDescription = async (d: RTCSessionDescriptionInit) => {
    leg ??= d.type === 'offer' ? 'sub' : 'pub';
    await setRemote(d);
    mark(d.type === 'offer' ? 'offer applied' : 'answer applied');
  };
  pc.addEventListener('icecandidate', (e) => mark(e.candidate ? 'first local candidate' : 'gathering complete'));
  pc.addEventListener('iceconnectionstatechange', () => {
    mark(`ICE ${pc.iceConnectionState}`);
    if (pc.iceConnectionState === 'connected' && leg) void countRoundTrips(pc, leg, steps);
  });
  pc.addEventListener('connectionstatechange', () => mark(`connection ${pc.connectionState}`));
  pc.addEventListener('track', (e) => {
    // A remote track is unmuted when its first RTP packet arrives.
    e.track.addEventListener('unmute', () => steps.mark(`sub first ${e.track.kind} packet`), { once: true });
  });
}

/** The page's WebSocket traffic of the call: requests out, acks and pushes in. */
export function markRequest(steps: CallSteps, type: string, outcome: 'sent' | 'ok' | 'refused'): void {
  if (type === 'call.trickle' || type === 'call.stats') return;
  steps.mark(`${type} ${outcome}`);
}

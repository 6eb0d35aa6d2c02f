// HD snapshot in the browser, through the real server and a real Janus (in a network namespace of
// the test's own, see e2e/harness/call.ts): the agent calls the visitor at 1080p, the visitor's
// sending bitrate is capped at 150 kbps from the test until the agent receives a visibly smaller
// picture, then the agent presses "HD snapshot". The still must arrive at the camera's own
// resolution (the visitor's camera track, not the degraded stream), be shown to both, and open
// full size in the workspace.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  AGENT1,
  DESKTOP,
  closeSide,
  loginAgent,
  openWidget,
  startConversation,
  waitFor,
  type Scope,
  type Side,
} from './harness/chat.js';
import { expectGrowing, janusUnavailableReason, received, startCallEnv, trackPeerConnections, type CallEnv } from './harness/call.js';

const unavailable = await janusUnavailableReason();
if (unavailable && process.env.CI) throw new Error(`the snapshot e2e suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[snapshot e2e] skipped: ${unavailable}`);

const CAP_BPS = 150_000;

let env: CallEnv;
let agent: Side;
const sides: Side[] = [];

/** The visitor's camera track as the browser captures it (the self-view's stream). */
function cameraSettings(scope: Scope): Promise<{ width: number; height: number } | null> {
  return scope.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid=call-self-view] video');
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
    const s = track?.getSettings();
    return s?.width && s.height ? { width: s.width, height: s.height } : null;
  });
}

/** Caps every video encoding of the page's publishing PeerConnections at `bps`. */
function capSending(scope: Scope, bps: number): Promise<number> {
  return scope.evaluate(async (max) => {
    const pcs = (window as unknown as { __vvPcs?: RTCPeerConnection[] }).__vvPcs ?? [];
    let capped = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind !== 'video') continue;
        const p = sender.getParameters();
        for (const e of p.encodings) e.maxBitrate = max;
        await sender.setParameters(p);
        capped += p.encodings.length;
      }
    }
    return capped;
  }, bps);
}

/** What the page sends (outbound video, summed over its layers): widest frame and bytes so far. */
function sent(scope: Scope): Promise<{ frameWidth: number; bytes: number }> {
  return scope.evaluate(async () => {
    const pcs = (window as unknown as { __vvPcs?: RTCPeerConnection[] }).__vvPcs ?? [];
    const r = { frameWidth: 0, bytes: 0 };
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; frameWidth?: number; bytesSent?: number }) => {
        if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;
        r.frameWidth = Math.max(r.frameWidth, s.frameWidth ?? 0);
        r.bytes += s.bytesSent ?? 0;
      });
    }
    return r;
  });
}

describe.skipIf(unavailable)('HD snapshot in a call', () => {
  beforeAll(async () => {
    // A loaded machine (2 cores, other suites) can take longer than the default 30 s to boot the server.
    env = await startCallEnv({ readyTimeoutMs: 90_000 });
    agent = await loginAgent(env.browser, env.server.url, { email: AGENT1, prepare: trackPeerConnections });
  });

  afterEach(async () => {
    expect(agent.errors).toEqual([]);
    for (const side of sides.splice(0)) {
      expect(side.errors).toEqual([]);
      await closeSide(side);
    }
  });

  afterAll(async () => {
    await closeSide(agent);
    await env?.stop();
  });

  test('a snapshot taken while the sender is capped at 150 kbps arrives at the camera’s full resolution', async () => {
    const visitor = await openWidget(env.browser, env.server.url, DESKTOP, trackPeerConnections);
    sides.push(visitor);
    const v = visitor.scope;
    const a = agent.page;
    const id = await startConversation(visitor, agent, 'Can you look at my ID card?');
    await a.getByTestId('call-start-video').waitFor();
    await waitFor('the call buttons to be enabled', () => a.getByTestId('call-start-video').isEnabled(), Boolean);

    // The agent calls at 1080p: the visitor's camera captures 1920×1080.
    await a.getByTestId('call-profile').selectOption('1080p');
    await a.getByTestId('call-start-video').click();
    await waitFor('the visitor to be rung', () => v.getByTestId('call-bar').getAttribute('data-screen'), (s) => s === 'incoming');
    await v.getByTestId('call-accept').click();
    await v.getByTestId('call-screen').waitFor();
    await a.getByTestId('call-panel').waitFor();
    await expectGrowing(a, 'video frames the agent decodes', (r) => r.videoFramesDecoded, 20);
    const camera = await waitFor('the visitor camera settings', () => cameraSettings(v), (s) => s !== null);
    console.log(`[snapshot e2e] visitor camera track: ${camera!.width}×${camera!.height}`);
    expect(camera!.width).toBeGreaterThanOrEqual(1280);

    // Before the cap the agent usually gets the full-width layer (a loaded machine may already
    // have it on a smaller one: the check below needs only a picture narrower than the camera).
    const before = await waitFor('the agent to receive the full width', () => received(a), (r) => r.videoFrameWidth >= camera!.width, 15_000, 500).catch(() => received(a));

    // Cap what the visitor sends; the agent's picture shrinks below the camera's width.
    expect(await capSending(v, CAP_BPS)).toBeGreaterThan(0);
    const degraded = await waitFor(
      `the agent to receive less than ${camera!.width} px wide`,
      async () => ({ r: await received(a), s: await sent(v) }),
      (x) => x.r.videoFrameWidth > 0 && x.r.videoFrameWidth < camera!.width,
      45_000,
      500,
    );
    const s0 = await sent(v);
    await new Promise((r) => setTimeout(r, 3000));
    const s1 = await sent(v);
    const sendingKbps = Math.round(((s1.bytes - s0.bytes) * 8) / 3 / 1000);
    console.log(
      `[snapshot e2e] agent received ${before.videoFrameWidth} px wide before the cap, ${degraded.r.videoFrameWidth} px after; ` +
        `visitor sends ${s1.frameWidth} px wide at ~${sendingKbps} kbps`,
    );
    expect(sendingKbps).toBeLessThan(CAP_BPS / 1000 * 3 * 1.3); // at most three capped layers

    // The visitor's whole uplink is that slow too: its HTTP upload goes at 150 kbps (DevTools
    // network emulation; WebRTC is not affected by it, the sender cap above does that).
    const cdp = await visitor.context.newCDPSession(visitor.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 80,
      uploadThroughput: CAP_BPS / 8,
      downloadThroughput: (4 * CAP_BPS) / 8,
    });

    // The agent asks for the still.
    const pressedAt = Date.now();
    await a.getByTestId('call-snapshot').click();
    await waitFor('the agent to see "received"', () => a.getByTestId('call-snapshot').getAttribute('data-state'), (s) => s === 'received', 45_000);
    const roundTripMs = Date.now() - pressedAt;

    // The visitor's own copy in its timeline: the camera's full size.
    const local = await waitFor(
      'the visitor to see the still',
      () =>
        v.evaluate(() => {
          const img = document.querySelector<HTMLImageElement>('[data-notice=snapshot] [data-testid=snapshot-image]');
          if (!img || !img.complete || img.naturalWidth === 0) return null;
          const d = img.dataset;
          return {
            naturalWidth: img.naturalWidth,
            naturalHeight: img.naturalHeight,
            width: Number(d.width),
            height: Number(d.height),
            bytes: Number(d.bytes),
            via: d.via ?? '',
            captureMs: Number(d.captureMs),
            uploadMs: Number(d.uploadMs),
            line: img.parentElement?.querySelector('[data-testid=message-text]')?.textContent ?? '',
          };
        }),
      (x) => x !== null,
    );
    expect(local).toMatchObject({ naturalWidth: camera!.width, naturalHeight: camera!.height, width: camera!.width, height: camera!.height });
    expect(local!.line).toBe(`Snapshot taken, ${camera!.width}×${camera!.height}`);

    // The agent's timeline: the event with the stored image's size, the picture decoded from the
    // stored bytes (fetched through a signed recording link) at that size.
    const event = a.getByTestId('snapshot-event');
    await event.waitFor();
    expect(Number(await event.getAttribute('data-width'))).toBe(camera!.width);
    expect(Number(await event.getAttribute('data-height'))).toBe(camera!.height);
    const thumb = await waitFor(
      'the thumbnail to load',
      () =>
        a.getByTestId('snapshot-thumb').evaluate((img: HTMLImageElement) => ({
          complete: img.complete,
          naturalWidth: img.naturalWidth,
          naturalHeight: img.naturalHeight,
          shownWidth: img.getBoundingClientRect().width,
        })),
      (x) => x.complete && x.naturalWidth > 0,
    );
    expect(thumb).toMatchObject({ naturalWidth: camera!.width, naturalHeight: camera!.height });
    expect(thumb.shownWidth).toBeGreaterThan(0);
    expect(thumb.naturalWidth).toBeGreaterThan(degraded.r.videoFrameWidth);

    // In the catalog: a visitor snapshot, JPEG, of the size the visitor sent.
    const recordingId = (await event.getAttribute('data-recording-id'))!;
    const catalog = await a.evaluate(async (conversationId) => {
      const res = await fetch(`/api/conversations/${conversationId}/recordings`);
      const body = (await res.json()) as { recordings: { id: string; callId: string; kind: string; party: string; mime: string; size: number }[] };
      return body.recordings;
    }, id);
    expect(catalog.filter((r) => r.kind === 'snapshot')).toEqual([expect.objectContaining({ id: recordingId, kind: 'snapshot', party: 'visitor', mime: 'image/jpeg', size: local!.bytes })]);

    // Click: full size.
    await a.getByTestId('snapshot-thumb').click();
    const full = await waitFor(
      'the full-size view',
      () => a.getByTestId('snapshot-full').evaluate((img: HTMLImageElement) => ({ complete: img.complete, naturalWidth: img.naturalWidth })),
      (x) => x.complete && x.naturalWidth === camera!.width,
    );
    expect(full.naturalWidth).toBe(camera!.width);
    await a.keyboard.press('Escape');
    await a.getByTestId('snapshot-viewer').waitFor({ state: 'detached' });

    console.log(
      `[snapshot e2e] snapshot ${local!.width}×${local!.height} (${local!.via}), ${Math.round(local!.bytes / 1024)} KiB, ` +
        `capture ${local!.captureMs} ms, upload ${local!.uploadMs} ms, button to "received" ${roundTripMs} ms`,
    );

    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, uploadThroughput: -1, downloadThroughput: -1 });
    await cdp.detach();
    await a.getByTestId('call-hangup').click();
    await v.getByTestId('call-screen').waitFor({ state: 'hidden' });
  });
});

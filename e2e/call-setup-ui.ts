// Call set-up through the real UIs (issue 12 item 5): the visitor taps the camera button in the
// widget on the demo page (phone), the agent clicks "accept" on the workspace's incoming card the
// moment it shows, and each side's first remote picture (a frame larger than 2x2) is timed in the
// page with requestVideoFrameCallback. Real server, real Janus in a namespace (e2e/harness/call.ts),
// Chromium's fake camera. Run: npx tsx e2e/call-setup-ui.ts [calls, default 10]
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { AGENT1, PHONE, closeSide, loginAgent, openWidget, startConversation, waitFor } from './harness/chat.js';
import { startCallEnv, trackPeerConnections } from './harness/call.js';

/** In every frame: the wall-clock time of each remote video track's first frame and first picture. */
async function timeRemoteVideo(context: BrowserContext): Promise<void> {
  await trackPeerConnections(context);
  await context.addInitScript(() => {
    const w = window as unknown as { __vvFrames: { track: number; frame?: number; picture?: number; size?: string }[] };
    w.__vvFrames = [];
    const remote = new Set<string>();
    const Native = RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(c?: RTCConfiguration) {
        super(c);
        this.addEventListener('track', (e) => {
          if (e.track.kind === 'video') remote.add(e.track.id);
        });
      }
    };
    // By track: the widget shows the next call's video in the same element.
    const hooked = new Set<string>();
    setInterval(() => {
      for (const v of Array.from(document.querySelectorAll('video'))) {
        const track = (v.srcObject as MediaStream | null)?.getVideoTracks()[0];
        if (!track || !remote.has(track.id) || hooked.has(track.id)) continue;
        hooked.add(track.id);
        const entry: (typeof w.__vvFrames)[number] = { track: performance.timeOrigin + performance.now() };
        w.__vvFrames.push(entry);
        const onFrame = (_n: number, md: VideoFrameCallbackMetadata) => {
          const at = performance.timeOrigin + md.expectedDisplayTime;
          entry.frame ??= at;
          entry.size ??= `${md.width}x${md.height}`;
          if (md.width > 2 && md.height > 2) entry.picture = at;
          else v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
      }
    }, 5);
  });
}

type Frames = { track: number; frame?: number; picture?: number; size?: string }[];
const frames = (s: Page | Frame) => s.evaluate(() => (window as unknown as { __vvFrames: Frames }).__vvFrames);
const now = (s: Page | Frame) => s.evaluate(() => performance.timeOrigin + performance.now());
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

const calls = Number(process.argv[2] ?? 10);
const env = await startCallEnv();
const agent = await loginAgent(env.browser, env.server.url, { email: AGENT1, prepare: timeRemoteVideo });
const visitor = await openWidget(env.browser, env.server.url, PHONE, timeRemoteVideo);
const rows: { visitor: number; agent: number; accept: number; sizes: string }[] = [];
try {
  const id = await startConversation(visitor, agent, 'Hello, can we talk on video?');
  await waitFor('the camera button', () => visitor.scope.getByTestId('call-start-video').isVisible(), Boolean);
  for (let i = 0; i < calls; i++) {
    const [v0, a0] = [(await frames(visitor.scope)).length, (await frames(agent.page)).length];
    const t0 = await now(visitor.scope);
    await visitor.scope.getByTestId('call-start-video').click();
    const card = agent.page.locator(`[data-testid=call-incoming][data-conversation-id="${id}"]`);
    await card.getByTestId('call-accept').click();
    const accepted = await now(agent.page);
    const [vf, af] = await waitFor(
      `call ${i + 1}: a picture on both sides`,
      async () => [(await frames(visitor.scope))[v0], (await frames(agent.page))[a0]] as const,
      ([v, a]) => v?.picture !== undefined && a?.picture !== undefined,
    );
    rows.push({ visitor: vf!.picture! - t0, agent: af!.picture! - t0, accept: accepted - t0, sizes: `${vf!.size} / ${af!.size}` });
    console.log(`call ${i + 1}: accept clicked ${(accepted - t0).toFixed(0)} ms, visitor's picture ${(vf!.picture! - t0).toFixed(0)} ms, agent's ${(af!.picture! - t0).toFixed(0)} ms after the tap; first frames ${rows.at(-1)!.sizes}`);
    await visitor.scope.getByTestId('call-hangup').click();
    await waitFor('the call to end', () => visitor.scope.getByTestId('call-start-video').isVisible(), Boolean);
    await new Promise((r) => setTimeout(r, 500));
  }
  const both = rows.map((r) => Math.max(r.visitor, r.agent));
  const line = (name: string, xs: number[]) => `${name}: p50 ${pct(xs, 50).toFixed(0)} ms, p95 ${pct(xs, 95).toFixed(0)} ms`;
  console.log(`\n${rows.length} calls, ms after the tap (the agent clicks accept as soon as the card shows)`);
  console.log([line('accept clicked', rows.map((r) => r.accept)), line("visitor's first picture", rows.map((r) => r.visitor)), line("agent's first picture", rows.map((r) => r.agent)), line('both sides showing video', both)].join('\n'));
  console.log(`first remote frame sizes (visitor / agent): ${rows.map((r) => r.sizes).join(', ')}`);
} finally {
  await closeSide(visitor);
  await closeSide(agent);
  await env.stop();
}

// The call screenshots for the README (run by e2e/screenshots.ts): a video call through a real
// Janus in a network namespace (e2e/harness/call.ts), the visitor on a phone (widget on the demo
// page) in portrait and landscape, with the settings sheet, and the agent's workspace with the
// call panel above the chat. Each party's camera is a drawn stand-in for a person (a canvas),
// so the pictures show a call rather than Chromium's test pattern; the microphone stays
// Chromium's fake device, so the audio processing shown is what the browser applied.
import type { BrowserContext, Page } from 'playwright-core';
import {
  AGENT1,
  PHONE,
  WORKSPACE_SIZE,
  closeSide,
  loginAgent,
  openWidget,
  sendText,
  startConversation,
  waitFor,
  type Side,
} from './chat.js';
import { janusUnavailableReason, startCallEnv, type CallEnv } from './call.js';

type Shoot = (page: Page, name: string) => Promise<void>;

export interface Look {
  width: number;
  height: number;
  wall: [string, string];
  shirt: string;
  skin: string;
  hair: string;
  headset: boolean;
}

export const AGENT_LOOK: Look = {
  width: 1280,
  height: 720,
  wall: ['#e4eaf1', '#b7c5d6'],
  shirt: '#2b3a55',
  skin: '#e9bf9a',
  hair: '#2a211c',
  headset: true,
};
export const VISITOR_LOOK: Look = {
  width: 720,
  height: 960,
  wall: ['#f3e6d6', '#d6bd9f'],
  shirt: '#2f7f7a',
  skin: '#f0c9a5',
  hair: '#4a3426',
  headset: false,
};

/** Replaces the camera (not the microphone) of every page of the context with a drawn person. */
export async function drawnCamera(context: BrowserContext, look: Look): Promise<void> {
  // tsx (esbuild keepNames) wraps named functions in __name(), which the page does not have.
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await context.addInitScript((l: Look) => {
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) return;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (c?: MediaStreamConstraints) => {
      const stream = await original({ audio: c?.audio ?? false, video: false });
      if (!c?.video) return stream;
      const canvas = document.createElement('canvas');
      canvas.width = l.width;
      canvas.height = l.height;
      const g = canvas.getContext('2d')!;
      const { width: w, height: h } = canvas;
      const draw = () => {
        const t = performance.now() / 1000;
        const bg = g.createLinearGradient(0, 0, w, h);
        bg.addColorStop(0, l.wall[0]);
        bg.addColorStop(1, l.wall[1]);
        g.fillStyle = bg;
        g.fillRect(0, 0, w, h);
        // Soft light from a window and two out-of-focus shapes behind the person.
        g.fillStyle = 'rgba(255,255,255,0.35)';
        g.fillRect(w * 0.06, h * 0.1, w * 0.22, h * 0.45);
        g.fillStyle = 'rgba(90,140,100,0.35)';
        g.beginPath();
        g.arc(w * 0.86, h * 0.62, Math.min(w, h) * 0.16, 0, Math.PI * 2);
        g.fill();
        g.fillStyle = 'rgba(255,214,150,0.35)';
        g.beginPath();
        g.arc(w * 0.8, h * 0.2, Math.min(w, h) * 0.07, 0, Math.PI * 2);
        g.fill();
        // The person, breathing a little.
        const s = Math.min(w, h);
        const cx = w / 2 + Math.sin(t * 0.7) * s * 0.01;
        const headY = h * 0.42 + Math.sin(t * 1.3) * s * 0.006;
        const headR = s * 0.15;
        g.fillStyle = l.shirt;
        g.beginPath();
        g.ellipse(cx, h + s * 0.1, s * 0.42, s * 0.42, 0, Math.PI, 0);
        g.fill();
        g.fillStyle = l.skin;
        g.fillRect(cx - s * 0.055, headY + headR * 0.6, s * 0.11, s * 0.16);
        g.fillStyle = 'rgba(255,255,255,0.9)';
        g.beginPath();
        g.moveTo(cx - s * 0.1, headY + headR + s * 0.1);
        g.lineTo(cx, headY + headR + s * 0.2);
        g.lineTo(cx + s * 0.1, headY + headR + s * 0.1);
        g.closePath();
        g.fill();
        g.fillStyle = l.skin;
        g.beginPath();
        g.ellipse(cx, headY, headR * 0.86, headR, 0, 0, Math.PI * 2);
        g.fill();
        g.fillStyle = l.hair;
        g.beginPath();
        g.ellipse(cx, headY - headR * 0.35, headR * 0.92, headR * 0.72, 0, Math.PI, 0);
        g.fill();
        g.fillStyle = '#2b2420';
        const blink = t % 4 < 0.12 ? 0.15 : 1;
        for (const dx of [-0.32, 0.32]) {
          g.beginPath();
          g.ellipse(
            cx + headR * dx,
            headY + headR * 0.05,
            headR * 0.06,
            headR * 0.08 * blink,
            0,
            0,
            Math.PI * 2,
          );
          g.fill();
        }
        g.strokeStyle = '#a0523d';
        g.lineWidth = headR * 0.06;
        g.beginPath();
        g.arc(cx, headY + headR * 0.32, headR * 0.28, 0.15 * Math.PI, 0.85 * Math.PI);
        g.stroke();
        if (l.headset) {
          g.strokeStyle = '#1c1f26';
          g.lineWidth = headR * 0.12;
          g.beginPath();
          g.arc(cx, headY - headR * 0.05, headR * 1.02, Math.PI * 1.05, Math.PI * 1.95);
          g.stroke();
          g.fillStyle = '#1c1f26';
          g.fillRect(cx - headR * 1.1, headY - headR * 0.15, headR * 0.22, headR * 0.42);
          g.lineWidth = headR * 0.06;
          g.beginPath();
          g.moveTo(cx - headR * 1.0, headY + headR * 0.2);
          g.quadraticCurveTo(cx - headR * 0.9, headY + headR * 0.75, cx - headR * 0.35, headY + headR * 0.72);
          g.stroke();
        }
      };
      draw();
      setInterval(draw, 40);
      const track = canvas.captureStream(25).getVideoTracks()[0]!;
      stream.addTrack(track);
      return stream;
    };
  }, look);
}

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export async function shootCalls(shoot: Shoot): Promise<void> {
  const why = await janusUnavailableReason();
  if (why) {
    console.warn(`call screenshots skipped: ${why}`);
    return;
  }
  let env: CallEnv | undefined;
  const sides: Side[] = [];
  try {
    env = await startCallEnv();
    const url = env.server.url;
    const agent = await loginAgent(env.browser, url, {
      email: AGENT1,
      options: WORKSPACE_SIZE,
      prepare: (c) => drawnCamera(c, AGENT_LOOK),
    });
    sides.push(agent);
    const visitor = await openWidget(env.browser, url, { ...PHONE, deviceScaleFactor: 2 }, (c) =>
      drawnCamera(c, VISITOR_LOOK),
    );
    sides.push(visitor);
    await startConversation(visitor, agent, 'Hi, I’d like to verify my identity for the new account.');
    await sendText(agent.scope, 'Of course! Let’s do it on a short video call — tap the camera button.');
    await waitFor(
      'the agent’s reply',
      () => visitor.scope.getByTestId('call-start-video').isVisible(),
      Boolean,
    );

    await visitor.scope.getByTestId('call-start-video').click();
    await agent.page.getByTestId('call-accept').click();
    await visitor.scope.getByTestId('call-screen').waitFor();
    await agent.page.getByTestId('call-panel').waitFor();
    // Video flowing both ways, a quality reading, the resolution ramped up.
    for (const scope of [visitor.scope, agent.page]) {
      await waitFor(
        'a network-quality reading',
        () => scope.getByTestId('call-quality').getAttribute('data-quality'),
        (q) => q === 'good',
        30_000,
      );
    }
    await waitFor(
      'the agent sending in full',
      () => agent.page.getByTestId('call-setting-sending').textContent(),
      (t) => /^1280×720/.test(t ?? ''),
      30_000,
    );
    await settle(1500);

    await shoot(visitor.page, 'call-portrait');
    await visitor.scope.getByTestId('call-settings').click();
    await waitFor(
      'the sent resolution',
      () => visitor.scope.getByTestId('call-setting-sending').textContent(),
      (t) => /^\d+×\d+/.test(t ?? ''),
    );
    await shoot(visitor.page, 'call-settings');
    await visitor.scope.getByTestId('call-settings-close').click();

    await visitor.page.setViewportSize({ width: 844, height: 390 });
    await settle(1200);
    await shoot(visitor.page, 'call-landscape');
    await visitor.page.setViewportSize({ width: 390, height: 844 });

    await sendText(agent.scope, 'Thanks! Please hold your ID card next to your face.');
    await settle(800);
    await agent.page.mouse.move(0, 0);
    await shoot(agent.page, 'call-workspace');
    await agent.page.getByTestId('call-hangup').click();
    await visitor.scope.getByTestId('call-screen').waitFor({ state: 'hidden' });
  } catch (e) {
    // What each page showed, for finding out why.
    for (const [i, side] of sides.entries()) {
      await side.page.screenshot({ path: `/tmp/call-shots-failure-${i}.png` }).catch(() => undefined);
      console.error(`page ${i} errors: ${side.errors.join('\n') || 'none'}`);
    }
    console.error(
      env?.server
        .logs()
        .split('\n')
        .filter((l) => /"level":[45]0/.test(l))
        .slice(-10)
        .join('\n'),
    );
    throw e;
  } finally {
    for (const side of sides) await closeSide(side);
    await env?.stop();
  }
}

// Video and voice calls in the browser, through the real server and a real Janus (in a network
// namespace of the test's own, see e2e/harness/call.ts): the visitor calls from the widget on the
// demo page (phone), the agent answers in the workspace; both decode the other's video and hear
// the other's audio, mute stops the sound, the phone's call screen in portrait and landscape, the
// chat stays usable beside the call, and hanging up leaves nothing on Janus and frees the agent's
// capacity. Declined, cancelled and unanswered calls end cleanly too.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  AGENT1,
  PHONE,
  closeSide,
  dropConnection,
  expectTranscript,
  loginAgent,
  openWidget,
  sendText,
  startConversation,
  waitConnected,
  waitFor,
  type Scope,
  type Side,
} from './harness/chat.js';
import { adminApi, agentLoad, type AdminApi } from './harness/routing.js';
import {
  expectGrowing,
  growthOver,
  janusUnavailableReason,
  received,
  startCallEnv,
  trackPeerConnections,
  type CallEnv,
  type JanusCounts,
} from './harness/call.js';

const unavailable = await janusUnavailableReason();
if (unavailable && process.env.CI) throw new Error(`the call e2e suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[call e2e] skipped: ${unavailable}`);

const RING_SECONDS = 6;

let env: CallEnv;
let admin: AdminApi;
let agent: Side;
let baseline: JanusCounts;
const sides: Side[] = [];

describe.skipIf(unavailable)('calls in the browser', () => {
  beforeAll(async () => {
    env = await startCallEnv({ ringSeconds: RING_SECONDS });
    admin = await adminApi(env.server.url);
    agent = await loginAgent(env.browser, env.server.url, { email: AGENT1, prepare: trackPeerConnections });
    baseline = await env.janusCounts();
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

  /** A phone visitor on the demo page whose conversation the agent has open. */
  async function visitorInChat(first: string): Promise<{ visitor: Side; id: string }> {
    const visitor = await openWidget(env.browser, env.server.url, PHONE, trackPeerConnections);
    sides.push(visitor);
    const id = await startConversation(visitor, agent, first);
    await waitFor(
      'the visitor to see the agent joined',
      () => visitor.scope.getByTestId('call-start-video').isVisible(),
      Boolean,
    );
    return { visitor, id };
  }

  const callNotices = (scope: Scope) =>
    scope.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-testid=message][data-author=system]'))
        .filter((n) => n.dataset.notice === 'call' || n.dataset.type?.startsWith('call.'))
        .map(
          (n) =>
            n.querySelector('[data-testid=message-text], [data-testid=call-notice]')?.textContent?.trim() ??
            '',
        ),
    );

  const expectJanusBack = () =>
    waitFor(
      'Janus to hold no room, session or handle beyond the baseline',
      () => env.janusCounts(),
      (c) => c.rooms === baseline.rooms && c.sessions === baseline.sessions && c.handles === baseline.handles,
    );

  test('video call: both sides see and hear each other, mute silences, the chat goes on, hang-up leaves nothing behind', async () => {
    const { visitor, id } = await visitorInChat('Hello, can we talk on video?');
    const v = visitor.scope;
    const a = agent.page;
    expect(await agentLoad(admin, AGENT1)).toBe(1);

    // The visitor calls from the chat; it rings on both sides.
    await v.getByTestId('call-start-video').click();
    await waitFor(
      'the visitor to see "Calling…"',
      () => v.getByTestId('call-bar').getAttribute('data-screen'),
      (s) => s === 'outgoing',
    );
    const card = a.locator(`[data-testid=call-incoming][data-conversation-id="${id}"]`);
    await card.waitFor();
    expect(await card.getByTestId('call-incoming-name').textContent()).toBeTruthy();
    await card.getByTestId('call-accept').click();

    // Both sides are in the call and decode each other's video and receive audio.
    await v.getByTestId('call-screen').waitFor();
    await a.getByTestId('call-panel').waitFor();
    await expectGrowing(a, 'video frames the agent decodes', (r) => r.videoFramesDecoded, 20);
    await expectGrowing(v, 'video frames the visitor decodes', (r) => r.videoFramesDecoded, 20);
    await expectGrowing(a, 'audio packets the agent receives', (r) => r.audioPacketsReceived, 20);
    await expectGrowing(v, 'audio packets the visitor receives', (r) => r.audioPacketsReceived, 20);
    await expectGrowing(a, 'audio energy the agent receives', (r) => r.audioEnergy, 0);
    expect((await received(a)).videoFrameWidth).toBeGreaterThan(0);
    for (const scope of [v, a]) {
      await waitFor(
        'the call to show it is connected',
        () => scope.getByTestId('call-status').isVisible(),
        (shown) => !shown,
      );
    }

    // The call holds the agent's extra capacity (video weighs 3 units, the chat 1).
    expect(await agentLoad(admin, AGENT1)).toBe(3);
    expect((await env.janusCounts()).rooms).toBe(baseline.rooms + 1);

    // Duration ticks; the network quality arrives from the server's stats reports.
    await waitFor(
      'the duration to tick',
      () => v.getByTestId('call-duration').textContent(),
      (t) => /^0:0[1-9]|^0:[1-5]\d/.test(t ?? ''),
    );
    for (const scope of [v, a]) {
      await waitFor(
        'a network-quality reading',
        () => scope.getByTestId('call-quality').getAttribute('data-quality'),
        (q) => q === 'good' || q === 'fair' || q === 'poor',
      );
    }

    // The settings sheet shows the audio processing as applied and what is sent.
    await v.getByTestId('call-settings').click();
    const sheet = v.getByTestId('call-settings-sheet');
    await sheet.waitFor();
    expect(await sheet.getByTestId('call-setting-echo').textContent()).toBe('On');
    expect(await sheet.getByTestId('call-setting-noise').textContent()).toBe('On');
    expect(await sheet.getByTestId('call-setting-gain').textContent()).toBe('On');
    await waitFor(
      'the sent resolution',
      () => sheet.getByTestId('call-setting-sending').textContent(),
      (t) => /^\d+×\d+/.test(t ?? ''),
    );
    expect(await sheet.getByTestId('call-setting-profile').textContent()).toBe('720p');
    await v.getByTestId('call-settings-close').click();
    await sheet.waitFor({ state: 'hidden' });
    expect(await a.getByTestId('call-setting-echo').getAttribute('data-on')).toBe('true');
    await waitFor(
      'the agent sees what it sends',
      () => a.getByTestId('call-setting-sending').textContent(),
      (t) => /^\d+×\d+/.test(t ?? ''),
    );

    // Mute: the visitor's sound stops reaching the agent (the media node stops forwarding it, and
    // what the microphone sends is silence), and the agent is told; unmute brings it back.
    await v.getByTestId('call-mute').click();
    await a.getByTestId('call-peer-muted').waitFor();
    await new Promise((r) => setTimeout(r, 1000)); // packets already on their way
    expect(await growthOver(a, (r) => r.audioPacketsReceived, 2000)).toBeLessThan(5);
    expect(await growthOver(a, (r) => r.audioEnergy, 1500)).toBe(0);
    // The visitor still hears the agent.
    expect(await growthOver(v, (r) => r.audioPacketsReceived, 1500)).toBeGreaterThan(20);
    await v.getByTestId('call-mute').click();
    await a.getByTestId('call-peer-muted').waitFor({ state: 'detached' });
    await expectGrowing(a, 'audio packets after unmute', (r) => r.audioPacketsReceived, 20);
    await expectGrowing(a, 'audio energy after unmute', (r) => r.audioEnergy, 0);

    // Camera off shows the agent a placeholder instead of a frozen picture.
    await v.getByTestId('call-camera').click();
    await waitFor(
      'the agent sees the camera is off',
      () => a.locator('.call-avatar').count(),
      (n) => n === 1,
    );
    await v.getByTestId('call-camera').click();
    await waitFor(
      'the agent sees the video again',
      () => a.locator('.call-avatar').count(),
      (n) => n === 0,
    );

    // A network blip on the visitor's signalling socket: the call screen says it is reconnecting,
    // the media goes on meanwhile, and commands work again once the socket is back.
    await dropConnection(v);
    await expectGrowing(a, 'video the agent decodes across the blip', (r) => r.videoFramesDecoded, 10);
    await waitConnected(v);
    await waitFor(
      'the call screen to stop saying "Reconnecting…"',
      () => v.getByTestId('call-status').isVisible(),
      (shown) => !shown,
    );
    await v.getByTestId('call-mute').click();
    await a.getByTestId('call-peer-muted').waitFor();
    await v.getByTestId('call-mute').click();
    await a.getByTestId('call-peer-muted').waitFor({ state: 'detached' });

    // The phone's call screen: controls along the bottom in portrait, down the side in landscape.
    const layout = () =>
      v.evaluate(() => {
        const box = (sel: string) => document.querySelector(sel)!.getBoundingClientRect();
        const controls = box('.vv-call-controls');
        const remote = box('.vv-call-remote');
        return {
          w: innerWidth,
          h: innerHeight,
          controls: { x: controls.x, y: controls.y, w: controls.width, h: controls.height },
          remote: { w: remote.width, h: remote.height },
        };
      });
    const portrait = await layout();
    expect(portrait.remote).toEqual({ w: portrait.w, h: portrait.h });
    expect(portrait.controls.y + portrait.controls.h).toBe(portrait.h);
    expect(portrait.controls.w).toBe(portrait.w);
    await visitor.page.setViewportSize({ width: 844, height: 390 });
    await waitFor(
      'the landscape layout',
      layout,
      (l) => l.w === 844 && l.controls.h === 390 && l.controls.x + l.controls.w === 844 && l.controls.w < 150,
    );
    await visitor.page.setViewportSize({ width: 390, height: 844 });

    // Back to the chat while the call goes on: the call shrinks to a tile, messages flow both ways.
    await v.getByTestId('call-minimise').click();
    await waitFor(
      'the call tile',
      () => v.getByTestId('call-screen').getAttribute('class'),
      (c) => c?.includes('vv-call--mini') ?? false,
    );
    await sendText(v, 'Can you see my card?');
    await sendText(a, 'Yes, I can see it clearly.');
    await expectTranscript(v, [
      'visitor: Hello, can we talk on video?',
      'visitor: Can you see my card?',
      'agent: Yes, I can see it clearly.',
    ]);
    await expectGrowing(v, 'video the visitor decodes while minimised', (r) => r.videoFramesDecoded, 10);
    await v.getByTestId('call-screen').click();
    await waitFor(
      'the full call screen again',
      () => v.getByTestId('call-screen').getAttribute('class'),
      (c) => !(c?.includes('vv-call--mini') ?? true),
    );

    // The agent hangs up: both screens close, the timeline says how long it lasted, Janus is
    // back to where it was, the agent's capacity is freed, and the chat goes on.
    await a.getByTestId('call-hangup').click();
    await v.getByTestId('call-screen').waitFor({ state: 'hidden' });
    await a.getByTestId('call-panel').waitFor({ state: 'detached' });
    await waitFor(
      'the visitor timeline line',
      () => callNotices(v),
      (n) => /^Video call ended · 0:\d\d$/.test(n.at(-1) ?? ''),
    );
    await waitFor(
      'the agent timeline lines',
      () => callNotices(a),
      (n) =>
        n.length === 3 &&
        n[0]!.startsWith('The visitor started a video call (720p)') &&
        n[1] === 'The agent answered' &&
        /^Video call ended · 0:\d\d · the agent hung up$/.test(n[2]!),
    );
    await expectJanusBack();
    await waitFor(
      'the agent load back to the chat alone',
      () => agentLoad(admin, AGENT1),
      (l) => l === 1,
    );
    expect(await received(v).then((r) => r.connections)).toBe(0);
    expect(await received(a).then((r) => r.connections)).toBe(0);
    await sendText(v, 'Thanks, bye!');
    await expectTranscript(a, [
      'visitor: Hello, can we talk on video?',
      'visitor: Can you see my card?',
      'agent: Yes, I can see it clearly.',
      'visitor: Thanks, bye!',
    ]);
    await closeConversation(a);
  });

  test('declined, cancelled and unanswered calls end cleanly, with no room and no capacity taken', async () => {
    const { visitor } = await visitorInChat('Just a quick question');
    const v = visitor.scope;
    const a = agent.page;

    // The agent calls; the visitor declines.
    await a.getByTestId('call-start-video').click();
    await a.getByTestId('call-outgoing').waitFor();
    await waitFor(
      'the visitor to be rung',
      () => v.getByTestId('call-bar').getAttribute('data-screen'),
      (s) => s === 'incoming',
    );
    expect(await v.getByTestId('call-bar').textContent()).toContain('Incoming video call');
    expect(await agentLoad(admin, AGENT1)).toBe(1);
    await v.getByTestId('call-decline').click();
    await v.getByTestId('call-bar').waitFor({ state: 'hidden' });
    await a.getByTestId('call-outgoing').waitFor({ state: 'detached' });
    await waitFor(
      '"You declined the call"',
      () => callNotices(v),
      (n) => n.at(-1) === 'You declined the call',
    );
    await waitFor(
      '"The visitor declined the call"',
      () => callNotices(a),
      (n) => n.at(-1) === 'The visitor declined the call',
    );

    // The visitor calls and cancels before the agent answers.
    await v.getByTestId('call-start-voice').click();
    await a.getByTestId('call-incoming').waitFor();
    await v.getByTestId('call-cancel').click();
    await a.getByTestId('call-incoming').waitFor({ state: 'detached' });
    await waitFor(
      '"Call cancelled"',
      () => callNotices(v),
      (n) => n.at(-1) === 'Call cancelled',
    );
    await waitFor(
      '"The visitor cancelled the call"',
      () => callNotices(a),
      (n) => n.at(-1) === 'The visitor cancelled the call',
    );

    // The visitor calls and nobody answers: it ends after the ring timeout.
    await v.getByTestId('call-start-voice').click();
    await a.getByTestId('call-incoming').waitFor();
    await a.getByTestId('call-incoming').waitFor({ state: 'detached', timeout: (RING_SECONDS + 10) * 1000 });
    await waitFor(
      '"No answer"',
      () => callNotices(v),
      (n) => n.at(-1) === 'No answer',
    );
    await waitFor(
      '"Missed call from the visitor"',
      () => callNotices(a),
      (n) => n.at(-1) === 'Missed call from the visitor',
    );
    await v.getByTestId('call-bar').waitFor({ state: 'hidden' });

    // And the agent's unanswered call is a missed call for the visitor.
    await a.getByTestId('call-start-voice').click();
    await waitFor(
      'the visitor to be rung',
      () => v.getByTestId('call-bar').getAttribute('data-screen'),
      (s) => s === 'incoming',
    );
    await waitFor(
      '"Missed call"',
      () => callNotices(v),
      (n) => n.at(-1) === 'Missed call',
      (RING_SECONDS + 10) * 1000,
    );
    await waitFor(
      '"The visitor did not answer"',
      () => callNotices(a),
      (n) => n.at(-1) === 'The visitor did not answer',
    );

    // None of them made a room or held capacity; nobody's camera was opened.
    expect(await env.janusCounts()).toEqual(baseline);
    expect(await agentLoad(admin, AGENT1)).toBe(1);
    expect((await received(v)).connections).toBe(0);
    expect((await received(a)).connections).toBe(0);
    // The buttons are back for the next call.
    expect(await v.getByTestId('call-start-video').isVisible()).toBe(true);
    expect(await a.getByTestId('call-start-video').isEnabled()).toBe(true);
    await closeConversation(a);
  });
});

async function closeConversation(agentPage: Page): Promise<void> {
  await agentPage.getByTestId('close-conversation').click();
  await agentPage.getByTestId('confirm-close').click();
  await agentPage.getByTestId('close-conversation').waitFor({ state: 'detached' });
}

// Server-side recording of calls through a real Janus (in a namespace of the test's own): a
// recorded 20 s call yields, after post-processing (janus-pp-rec + ffmpeg), a composite file with
// video and audio as long as the call and one file per party; the agent plays it back in the
// workspace. A dual-recording (雙錄) call refuses to connect when recording cannot start.
// Figures (recording start delay, post-processing time per call minute) are printed.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { probeMedia } from '../apps/server/src/recording/tools.js';
import type { Page } from 'playwright-core';
import type { RecordingView } from '@visavis/protocol';
import { AGENT1, PHONE, closeSide, loginAgent, openConversation, openWidget, startConversation, waitConnected, waitFor, type Scope, type Side } from './harness/chat.js';
import { adminApi, type AdminApi } from './harness/routing.js';
import { expectGrowing, growthOver, janusUnavailableReason, received, startCallEnv, trackPeerConnections, type CallEnv } from './harness/call.js';

const unavailable = await janusUnavailableReason();
if (unavailable && process.env.CI) throw new Error(`the recording e2e suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[recording e2e] skipped: ${unavailable}`);

let env: CallEnv;
let admin: AdminApi;
let agent: Side;
let rawRoot: string;
let groupId: string;
const sides: Side[] = [];

async function setPolicy(policy: { mode: 'off' | 'on' | 'mandatory'; dual: boolean; script: string[] }): Promise<void> {
  await admin.call('PUT', `/api/admin/skill-groups/${groupId}/recording-policy`, { ...policy, visitorLocal: false });
}

/** Downloads a recording as the admin (signed link, audited) into a temporary file. */
async function download(rec: RecordingView): Promise<string> {
  const { url } = await admin.call<{ url: string }>('POST', `/api/recordings/${rec.id}/url`, { mode: 'download' });
  const res = await admin.fetch(url);
  expect(res.status).toBe(200);
  const file = path.join(rawRoot, `check-${rec.id}.webm`);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

describe.skipIf(unavailable)('call recording through Janus', () => {
  beforeAll(async () => {
    rawRoot = await mkdtemp(path.join(os.tmpdir(), 'vv-rec-e2e-'));
    env = await startCallEnv({ env: { RECORDING_RAW_DIR: path.join(rawRoot, 'raw'), RECORDING_START_SECONDS: '8' } });
    admin = await adminApi(env.server.url);
    const { groups } = await admin.call<{ groups: { id: string; name: string }[] }>('GET', '/api/admin/recording-policies');
    groupId = groups.find((g) => g.name.startsWith('General'))!.id;
    // Every conversation goes to the General group, whose recording policy the tests set.
    const { config } = await admin.call<{ config: { policy: object } }>('GET', '/api/admin/routing-config');
    await admin.call('PUT', '/api/admin/routing-config', {
      ...config,
      policy: { ...config.policy, chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: groupId }, { kind: 'least-loaded' }] },
    });
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
    await rm(rawRoot, { recursive: true, force: true });
  });

  async function visitorInChat(first: string): Promise<{ visitor: Side; id: string }> {
    const visitor = await openWidget(env.browser, env.server.url, PHONE, trackPeerConnections);
    sides.push(visitor);
    const id = await startConversation(visitor, agent, first);
    await waitFor('the call button', () => visitor.scope.getByTestId('call-start-video').isVisible(), Boolean);
    return { visitor, id };
  }

  /** Dual recording: the visitor calls, must agree to the recording notice first; the agent answers. */
  async function callAgreeingToNotice(v: Scope, a: Page, id: string): Promise<void> {
    await v.getByTestId('call-start-video').click();
    await v.getByTestId('recording-notice').waitFor();
    await v.getByTestId('recording-notice-agree').click();
    const card = a.locator(`[data-testid=call-incoming][data-conversation-id="${id}"]`);
    await card.waitFor();
    await card.getByTestId('call-accept').click();
  }

  test('a recorded 20 s call yields a composite and per-party files; the agent plays it back', { timeout: 180_000 }, async () => {
    await setPolicy({ mode: 'mandatory', dual: false, script: [] });
    const { visitor, id } = await visitorInChat('Please record this call.');
    const v = visitor.scope;
    const a = agent.page;
    await v.getByTestId('call-start-video').click();
    const card = a.locator(`[data-testid=call-incoming][data-conversation-id="${id}"]`);
    await card.waitFor();
    await card.getByTestId('call-accept').click();
    const answeredAt = Date.now();
    // Mandatory: media between the parties flows only once the recording runs.
    await expectGrowing(a, 'video frames the agent decodes', (r) => r.videoFramesDecoded, 20);
    await expectGrowing(v, 'video frames the visitor decodes', (r) => r.videoFramesDecoded, 20);
    const running = /"startDelayMs":(\d+)[^\n]*"msg":"recording running"/.exec(env.server.logs());
    expect(running, 'the server logs when recording runs').not.toBeNull();
    console.log(`[recording e2e] recording start delay (media flowing -> files growing): ${running![1]} ms`);

    // Hold the call for 20 s from the answer, then the agent hangs up.
    await new Promise((r) => setTimeout(r, Math.max(0, answeredAt + 20_000 - Date.now())));
    await a.getByTestId('call-hangup').click();
    await a.getByTestId('call-panel').waitFor({ state: 'detached' });

    const { events } = await admin.call<{ events: { event: { type: string; durationMs?: number | null; callId?: string } }[] }>(
      'GET', `/api/conversations/${id}/events`,
    );
    const ended = events.map((e) => e.event).find((e) => e.type === 'call.ended')!;
    const callMs = ended.durationMs!;
    expect(callMs).toBeGreaterThanOrEqual(19_500);
    expect(events.map((e) => e.event.type)).toContain('call.recording');

    // Post-processing registers the composite and each party's file.
    const recs = await waitFor(
      'the composite and both parties’ files',
      async () => (await admin.call<{ recordings: RecordingView[] }>('GET', `/api/calls/${ended.callId}/recordings`)).recordings,
      (r) => r.some((x) => x.kind === 'composite') && r.filter((x) => x.kind === 'participant').length === 2,
      90_000,
      1000,
    );
    // The job logs its figures just after registering the files.
    const processed = await waitFor(
      'the post-processing figures in the server log',
      async () => /"callMs":(\d+),"totalMs":(\d+),"msPerCallMinute":(\d+)[^\n]*"msg":"recording post-processed"/.exec(env.server.logs()),
      (m) => m !== null,
    );
    console.log(`[recording e2e] post-processing: ${processed![2]} ms for a ${processed![1]} ms call = ${processed![3]} ms per call minute`);
    const composite = recs.find((r) => r.kind === 'composite')!;
    const info = await probeMedia(await download(composite), '/usr/bin/ffprobe', { deadline: Date.now() + 30_000 });
    expect(info.hasVideo).toBe(true);
    expect(info.hasAudio).toBe(true);
    console.log(`[recording e2e] composite ${info.width}x${info.height}, ${info.durationMs} ms for a call of ${callMs} ms`);
    expect(Math.abs(info.durationMs - callMs), `composite ${info.durationMs} ms vs call ${callMs} ms`).toBeLessThanOrEqual(1000);
    // Side by side: twice as wide as one party's tile.
    expect(info.width! / info.height!).toBeGreaterThan(1.7);
    for (const party of ['agent', 'visitor'] as const) {
      const track = recs.find((r) => r.kind === 'participant' && r.party === party)!;
      const t = await probeMedia(await download(track), '/usr/bin/ffprobe', { deadline: Date.now() + 30_000 });
      expect(t.hasVideo && t.hasAudio, `${party} track has video and audio`).toBe(true);
      expect(Math.abs(t.durationMs - callMs)).toBeLessThanOrEqual(2000);
    }

    // The agent opens the recording in the workspace and it plays.
    await openConversation(a, id);
    await a.getByTestId('recordings-open').click();
    await a.locator('[data-testid=recording-item][data-kind=composite]').first().click();
    const player = a.getByTestId('recording-player');
    await player.waitFor();
    await player.evaluate((el: HTMLVideoElement) => {
      el.muted = true;
      return el.play();
    });
    const t0 = await player.evaluate((el: HTMLVideoElement) => el.currentTime);
    await waitFor('playback to advance', () => player.evaluate((el: HTMLVideoElement) => el.currentTime), (t) => t > t0 + 1, 20_000, 250);
    await a.getByTestId('recordings-close').click();
    await a.getByTestId('recordings-dialog').waitFor({ state: 'detached' });
  });

  test('dual recording: notice, script steps marked on the recording clock, media paused while recording stalls', { timeout: 150_000 }, async () => {
    await setPolicy({ mode: 'mandatory', dual: true, script: ['Read the risk disclosure', 'Confirm the customer understood'] });
    const { visitor, id } = await visitorInChat('I would like to subscribe to the fund.');
    const v = visitor.scope;
    const a = agent.page;
    await callAgreeingToNotice(v, a, id);
    await expectGrowing(a, 'video frames the agent decodes', (r) => r.videoFramesDecoded, 20);
    await expectGrowing(v, 'video frames the visitor decodes', (r) => r.videoFramesDecoded, 20);
    for (const scope of [v, a]) {
      await waitFor('the REC badge to show recording', () => scope.getByTestId('rec-badge').getAttribute('data-state'), (s) => s === 'running');
    }

    // The agent reads the first step and marks it done: a mark stamped on the recording's clock.
    const panel = a.getByTestId('script-panel');
    await panel.waitFor();
    await panel.getByTestId('script-step').first().getByTestId('script-step-done').click();
    await waitFor('the step checked off', () => panel.getByTestId('script-step').first().getAttribute('data-done'), (d) => d === 'true');
    const { events } = await admin.call<{ events: { event: { type: string; callId?: string } }[] }>('GET', `/api/conversations/${id}/events`);
    const callId = events.map((e) => e.event).find((e) => e.type === 'call.ringing')!.callId!;
    const { marks } = await admin.call<{ marks: { atMs: number; label: string }[] }>('GET', `/api/calls/${callId}/marks`);
    expect(marks).toHaveLength(1);
    expect(marks[0]!.label).toContain('Read the risk disclosure');
    expect(marks[0]!.atMs).toBeGreaterThan(0);

    // The recording stops growing (its directory taken away, as a full or failed disk would look
    // to the server): both sides are told, and Janus holds the media between them.
    const dir = path.join(rawRoot, 'raw', callId);
    await rename(dir, `${dir}.away`);
    for (const scope of [v, a]) await scope.getByTestId('recording-paused').waitFor({ timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 1500)); // let frames in flight drain
    expect(await growthOver(a, (r) => r.videoFramesDecoded, 2000), 'no video reaches the agent while paused').toBeLessThanOrEqual(2);
    expect(await growthOver(v, (r) => r.videoFramesDecoded, 2000), 'no video reaches the visitor while paused').toBeLessThanOrEqual(2);

    // It grows again: the pause lifts and media flows both ways.
    await rename(`${dir}.away`, dir);
    for (const scope of [v, a]) await scope.getByTestId('recording-paused').waitFor({ state: 'hidden', timeout: 15_000 });
    await expectGrowing(a, 'video the agent decodes after the resume', (r) => r.videoFramesDecoded, 20);
    await expectGrowing(v, 'video the visitor decodes after the resume', (r) => r.videoFramesDecoded, 20);
    const states = (await admin.call<{ events: { event: { type: string; state?: string } }[] }>('GET', `/api/conversations/${id}/events`)).events
      .map((e) => e.event)
      .filter((e) => e.type === 'call.recording')
      .map((e) => e.state);
    expect(states).toEqual(['running', 'failed', 'running']);
    await a.getByTestId('call-hangup').click();
    await a.getByTestId('call-panel').waitFor({ state: 'detached' });
  });

  test('dual recording: the call is refused when recording cannot start', { timeout: 120_000 }, async () => {
    await setPolicy({ mode: 'mandatory', dual: true, script: ['Read the risk disclosure', 'Confirm the customer understood'] });
    // The raw recording root becomes a plain file: no call directory can be made under it.
    const raw = path.join(rawRoot, 'raw');
    await rm(raw, { recursive: true, force: true });
    await writeFile(raw, 'not a directory');
    try {
      const { visitor, id } = await visitorInChat('I want to buy the fund.');
      const v = visitor.scope;
      const a = agent.page;
      await callAgreeingToNotice(v, a, id);
      const { events } = await waitFor(
        'the call to end as recording failed',
        () => admin.call<{ events: { event: { type: string; reason?: string } }[] }>('GET', `/api/conversations/${id}/events`),
        (r) => r.events.some((e) => e.event.type === 'call.ended'),
      );
      expect(events.find((e) => e.event.type === 'call.ended')!.event.reason).toBe('recording_failed');
      // Never connected: no media on either side, nothing left on Janus.
      expect((await received(v)).videoFramesDecoded).toBe(0);
      expect((await received(a)).videoFramesDecoded).toBe(0);
      await v.getByTestId('call-screen').waitFor({ state: 'hidden' });
      await a.getByTestId('call-panel').waitFor({ state: 'detached' });
      const audit = await admin.call<{ entries: { action: string }[] }>('GET', '/api/admin/audit?limit=1000');
      expect(audit.entries.map((e) => e.action)).toContain('recording.notice_acknowledged');
    } finally {
      await rm(raw, { force: true });
    }
  });

  test('the demo page’s wealth-adviser button leads to the seeded dual-recording group', async () => {
    // General records nothing now: a notice can only come from the Wealth group's policy.
    await setPolicy({ mode: 'off', dual: false, script: [] });
    const context = await env.browser.newContext(PHONE);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
    await page.goto(`${env.server.url}/demo`);
    await page.waitForFunction(() => (window as { Visavis?: { loaded?: boolean } }).Visavis?.loaded === true);
    await page.locator('#wealth-adviser').click();
    const frame = await (await page.getByTestId('chat-frame').elementHandle())?.contentFrame();
    if (!frame) throw new Error('the widget iframe has no frame');
    await waitConnected(frame);
    const visitor: Side = { context, page, scope: frame, errors };
    sides.push(visitor);
    await startConversation(visitor, agent, 'I would like to subscribe to the Balanced Growth Fund.');
    const { groups } = await admin.call<{ groups: { name: string; mode: string; dual: boolean; script: string[] }[] }>('GET', '/api/admin/recording-policies');
    const wealth = groups.find((g) => g.name.startsWith('Wealth'))!;
    expect(wealth).toMatchObject({ mode: 'mandatory', dual: true });
    expect(wealth.script.length).toBeGreaterThan(0);
    // The conversation is in that group: calling needs the visitor's agreement to the notice.
    await frame.getByTestId('call-start-video').click();
    await frame.getByTestId('recording-notice').waitFor();
    await frame.getByTestId('recording-notice-cancel').click();
    await frame.getByTestId('recording-notice').waitFor({ state: 'hidden' });
  });
});

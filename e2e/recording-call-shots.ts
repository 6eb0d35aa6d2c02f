// Screenshots (and a browser walk-through) of the call screens of recorded and dual-recording
// (雙錄) calls, through a real Janus (e2e/harness/call.ts: needs root and Debian's janus):
// - docs/screenshots/recording-notice.png: the visitor's recording notice on a phone, after
//   pressing Video in a conversation routed to a dual-recording group;
// - docs/screenshots/call-script.png: the agent's live call with the script panel, two steps done
//   and a free note.
// On the way it checks the agent calling (the visitor's notice with "Agree and answer") and a
// call whose recording cannot start (both sides' "not connected" lines); those pictures go to
// the temporary directory only.
// Run: npx tsx e2e/recording-call-shots.ts [outDir]  (needs the built UIs: npm run build).
import { statSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { AGENT_LOOK, VISITOR_LOOK, drawnCamera } from './harness/call-shots.js';
import { janusUnavailableReason, startCallEnv, type CallEnv } from './harness/call.js';
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
} from './harness/chat.js';
import { adminApi } from './harness/routing.js';
import { REPO_ROOT } from './harness/server.js';

const OUT = process.argv[2] ?? path.join(REPO_ROOT, 'docs/screenshots');
const SCRIPT = [
  'Confirm the customer’s identity (name and ID number)',
  'Read out the product risk level: R3, medium risk',
  'Explain that the capital is not guaranteed and past returns do not predict future returns',
  'Explain the fees: 1.5% subscription, 0.5% redemption within 7 days',
  'Ask the customer to confirm they understood and agree to subscribe',
];

async function shoot(page: Page, file: string): Promise<void> {
  await page.evaluate(() =>
    document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))),
  );
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  console.log(file);
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const why = await janusUnavailableReason();
  if (why) throw new Error(`needs Janus: ${why}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'vv-rec-shots-'));
  const raw = path.join(tmp, 'raw');
  let env: CallEnv | undefined;
  const sides: Side[] = [];
  try {
    env = await startCallEnv({ env: { RECORDING_RAW_DIR: raw, RECORDING_START_SECONDS: '8' } });
    const url = env.server.url;
    const admin = await adminApi(url);
    const { groups } = await admin.call<{ groups: { id: string; name: string }[] }>('GET', '/api/admin/recording-policies');
    const groupId = groups.find((g) => g.name.startsWith('General'))!.id;
    await admin.call('PUT', `/api/admin/skill-groups/${groupId}/recording-policy`, {
      mode: 'mandatory',
      dual: true,
      script: SCRIPT,
      visitorLocal: false,
    });
    const { config } = await admin.call<{ config: { policy: object } }>('GET', '/api/admin/routing-config');
    await admin.call('PUT', '/api/admin/routing-config', {
      ...config,
      policy: { ...config.policy, chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: groupId }, { kind: 'least-loaded' }] },
    });

    const agent = await loginAgent(env.browser, url, {
      email: AGENT1,
      options: WORKSPACE_SIZE,
      prepare: (c) => drawnCamera(c, AGENT_LOOK),
    });
    sides.push(agent);
    const visitor = await openWidget(env.browser, url, { ...PHONE, deviceScaleFactor: 2 }, (c) => drawnCamera(c, VISITOR_LOOK));
    sides.push(visitor);
    const v = visitor.scope;
    const a = agent.page;
    await startConversation(visitor, agent, 'Hello, I’d like to subscribe to the Balanced Growth Fund.');
    await sendText(a, 'Happy to help! For fund subscriptions we do a short recorded video call. Tap the camera button when you are ready.');
    await waitFor('the call button', () => v.getByTestId('call-start-video').isVisible(), Boolean);

    // 1. The visitor calls: the server asks for the notice first.
    await v.getByTestId('call-start-video').click();
    await v.getByTestId('recording-notice').waitFor();
    await settle(400);
    await shoot(visitor.page, path.join(OUT, 'recording-notice.png'));
    // Cancel drops the call; the notice comes again on the next try.
    await v.getByTestId('recording-notice-cancel').click();
    await v.getByTestId('recording-notice').waitFor({ state: 'hidden' });
    await v.getByTestId('call-start-video').click();
    await v.getByTestId('recording-notice-agree').click();
    await v.getByTestId('recording-line').waitFor();
    const card = a.getByTestId('call-incoming');
    await card.getByTestId('recording-line').waitFor();
    await shoot(a, path.join(tmp, 'agent-incoming.png'));
    await card.getByTestId('call-accept').click();
    await a.getByTestId('call-panel').waitFor();
    await a.getByTestId('script-panel').waitFor();
    await shoot(a, path.join(tmp, 'agent-starting.png'));
    await shoot(visitor.page, path.join(tmp, 'visitor-starting.png'));
    await waitFor('the recording to run', () => a.getByTestId('rec-badge').getAttribute('data-state'), (s) => s === 'running', 30_000);
    await waitFor('the visitor’s badge', () => v.getByTestId('rec-badge').getAttribute('data-state'), (s) => s === 'running');
    await waitFor('a network-quality reading', () => a.getByTestId('call-quality').getAttribute('data-quality'), (q) => q === 'good', 30_000);

    // 2. The agent reads the script: two steps done, one free note.
    const steps = a.getByTestId('script-step');
    await settle(2500);
    await steps.nth(0).getByTestId('script-step-done').click();
    await waitFor('step 1 checked', () => steps.nth(0).getAttribute('data-done'), (d) => d === 'true');
    await settle(3000);
    await steps.nth(1).getByTestId('script-step-done').click();
    await waitFor('step 2 checked', () => steps.nth(1).getAttribute('data-done'), (d) => d === 'true');
    await a.getByTestId('script-note-input').fill('Customer asked whether the fund can be redeemed early');
    await a.getByTestId('script-mark').click();
    await a.getByTestId('script-note').first().waitFor();
    await settle(1200);
    await a.mouse.move(0, 0);
    await shoot(a, path.join(OUT, 'call-script.png'));
    await shoot(visitor.page, path.join(tmp, 'visitor-in-call.png'));
    // The marks come from the server: a reload of the panel keeps them (the workspace page reload
    // cannot keep the call's media, so switch conversations away and back instead).
    const progress = await a.getByTestId('script-progress').textContent();
    console.log(`script progress: ${progress}`);
    // Switching conversations unmounts the panel; coming back, the marks are read from the server.
    await a.getByTestId('nav-offline').click();
    await a.getByTestId('call-tile').waitFor();
    await a.getByTestId('nav-inbox').click();
    await a.getByTestId('script-panel').waitFor();
    await waitFor('the marks again', () => a.locator('[data-testid=script-step][data-done=true]').count(), (n) => n === 2);

    // The recording stalls: the call's raw directory is moved away for a while (Janus goes on
    // writing into the moved files, the server sees nothing grow). Both sides show the paused
    // overlay, which goes away once the directory is back and its files grow again.
    const callDir = (await readdir(raw, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => path.join(raw, d.name))
      .sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)[0]!;
    await rename(callDir, `${callDir}.held`);
    try {
      await a.getByTestId('recording-paused').waitFor({ timeout: 20_000 });
      await v.getByTestId('recording-paused').waitFor({ timeout: 5_000 });
      await settle(600);
      await shoot(a, path.join(tmp, 'agent-paused.png'));
      await shoot(visitor.page, path.join(tmp, 'visitor-paused.png'));
    } finally {
      await rename(`${callDir}.held`, callDir);
    }
    await a.getByTestId('recording-paused').waitFor({ state: 'hidden', timeout: 30_000 });
    await v.getByTestId('recording-paused').waitFor({ state: 'hidden', timeout: 5_000 });
    console.log('paused overlay shown and removed on both sides');
    await a.getByTestId('call-hangup').click();
    await v.getByTestId('call-screen').waitFor({ state: 'hidden' });

    // 3. The agent calls: the visitor's notice answers ("Agree and answer").
    await a.getByTestId('call-start-video').click();
    await v.getByTestId('recording-notice').waitFor();
    const agree = await v.getByTestId('recording-notice-agree').textContent();
    console.log(`visitor's answer button: ${agree}`);
    await shoot(visitor.page, path.join(tmp, 'visitor-incoming-dual.png'));
    await v.getByTestId('recording-notice-agree').click();
    await v.getByTestId('call-screen').waitFor();
    await waitFor('the recording to run', () => v.getByTestId('rec-badge').getAttribute('data-state'), (s) => s === 'running', 30_000);
    await a.getByTestId('call-hangup').click();
    await v.getByTestId('call-screen').waitFor({ state: 'hidden' });

    // 4. Recording cannot start: the raw directory becomes a plain file.
    await rm(raw, { recursive: true, force: true });
    await writeFile(raw, 'not a directory');
    await v.getByTestId('call-start-video').click();
    await v.getByTestId('recording-notice-agree').click();
    await card.getByTestId('call-accept').click();
    await a.getByTestId('call-error').waitFor();
    console.log(`agent's error: ${await a.getByTestId('call-error').textContent()}`);
    await waitFor(
      'the visitor’s line',
      () => v.locator('[data-notice=call]').last().getAttribute('data-call-reason'),
      (r) => r === 'recording_failed',
    );
    console.log(`visitor's line: ${await v.locator('[data-notice=call]').last().textContent()}`);
    await settle(500);
    await shoot(a, path.join(tmp, 'agent-recording-failed.png'));
    await shoot(visitor.page, path.join(tmp, 'visitor-recording-failed.png'));
    // 5. The notice in traditional Chinese (the browser's language picks it).
    const zh = await openWidget(env.browser, url, { ...PHONE, locale: 'zh-TW', deviceScaleFactor: 2 });
    sides.push(zh);
    await startConversation(zh, agent, '我想申購基金。');
    await waitFor('the call button', () => zh.scope.getByTestId('call-start-voice').isVisible(), Boolean);
    await zh.scope.getByTestId('call-start-voice').click();
    await zh.scope.getByTestId('recording-notice').waitFor();
    await settle(400);
    await shoot(zh.page, path.join(tmp, 'visitor-notice-zh-TW.png'));
    await zh.scope.getByTestId('recording-notice-cancel').click();
    for (const s of sides) if (s.errors.length) console.error(`page errors: ${s.errors.join('\n')}`);
    console.log(`extra pictures in ${tmp}`);
  } catch (e) {
    for (const [i, side] of sides.entries()) {
      await side.page.screenshot({ path: path.join(tmp, `failure-${i}.png`) }).catch(() => undefined);
      console.error(`page ${i} errors: ${side.errors.join('\n') || 'none'}`);
    }
    console.error(`failure pictures in ${tmp}`);
    throw e;
  } finally {
    for (const side of sides) await closeSide(side);
    await env?.stop();
  }
}

await main();

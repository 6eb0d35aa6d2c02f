// The Recordings dialog in the browser (issue 10, "smaller gaps"): a recording registered while
// the dialog is open appears in it (recording.ready push), and a supervisor exports the call's
// evidence package from it and downloads it, both audited. The server runs in this process
// (apps/server/test/support.ts) so the test can write the call and register its files directly:
// a real call needs Janus, which e2e/recording.spec.ts covers.
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { EventStore } from '../apps/server/src/conversations/event-store.js';
import { EMAILS, recordedCall } from '../apps/server/test/compliance-fixtures.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../apps/server/test/support.js';
import { launchBrowser } from './harness/browser.js';
import { WORKSPACE_SIZE, openConversation, waitConnected, waitFor } from './harness/chat.js';

let browser: Browser;
let t: TestServer | undefined;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await browser?.close();
});

async function signIn(url: string, email: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext(WORKSPACE_SIZE);
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  await page.goto(`${url}/app/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await waitConnected(page);
  return { page, errors };
}

const register = (server: TestServer, callId: string, kind: 'composite' | 'participant', bytes: string) =>
  server.server.compliance.recordings.register(
    { callId, kind, party: kind === 'composite' ? null : 'agent', mime: 'video/webm', durationMs: 4000 },
    Readable.from([Buffer.from(bytes)]),
  );

describe('recordings dialog', () => {
  test('shows a recording that arrives while open, and lets a supervisor export and download the evidence', async () => {
    t = await startTestServer();
    const call = await recordedCall(t);
    // The call's timeline events, as the call flow writes them: the dialog's entry point needs them.
    const at = { orgId: call.orgId, conversationId: call.conversationId, now: new Date() };
    await EventStore.append(t.server.db, at, { type: 'call.ringing', callId: call.callId, media: 'video', by: 'visitor', profile: '720p' });
    await EventStore.append(t.server.db, at, { type: 'call.answered', callId: call.callId, by: 'agent' });
    await EventStore.append(t.server.db, at, { type: 'call.ended', callId: call.callId, by: 'agent', reason: 'hangup', durationMs: 4000 });
    const first = await register(t, call.callId, 'composite', 'composite bytes');

    const { page, errors } = await signIn(t.url, EMAILS.supervisor);
    await openConversation(page, call.conversationId);
    await page.getByTestId('recordings-open').click();
    const dialog = page.getByTestId('recordings-dialog');
    const items = dialog.getByTestId('recording-item');
    await waitFor('the first recording', () => items.count(), (n) => n === 1);
    expect(await dialog.getByTestId('recordings-arrived').count()).toBe(0);

    // Post-processing finishes while the dialog is open: the new file shows up by itself.
    const second = await register(t, call.callId, 'participant', 'agent stream bytes');
    await waitFor('the arrived recording', () => items.evaluateAll((n) => n.map((x) => (x as HTMLElement).dataset.recordingId)), (ids) => ids.includes(second.id) && ids.includes(first.id));
    await dialog.getByTestId('recordings-arrived').waitFor();

    // Evidence export: progress, then a download link; the tar comes with the supervisor's session.
    await dialog.getByTestId('evidence-export-start').click();
    const link = dialog.getByTestId('evidence-download');
    await link.waitFor({ timeout: 60_000 });
    expect(await dialog.getByTestId('evidence-export').getAttribute('data-state')).toBe('ready');
    const href = (await link.getAttribute('href')) ?? '';
    const res = await page.request.get(new URL(href, t.url).toString());
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/x-tar');
    const tar = await res.body();
    expect(tar.includes(Buffer.from('composite bytes'))).toBe(true);
    expect(tar.includes(Buffer.from('agent stream bytes'))).toBe(true);
    const audited = await t.server.db.query<{ action: string }>(
      `select action from audit_log where action like 'evidence.%' order by seq`,
    );
    expect(audited.map((a) => a.action)).toEqual(['evidence.export', 'evidence.download']);
    if (process.env.NEWCOMER_SHOTS) await page.screenshot({ path: `${process.env.NEWCOMER_SHOTS}/recordings-evidence.png` });
    expect(errors).toEqual([]);

    // The agent of the call sees the recordings, but exporting evidence is not theirs to offer.
    const agent = await signIn(t.url, EMAILS.agent1);
    await openConversation(agent.page, call.conversationId);
    await agent.page.getByTestId('recordings-open').click();
    await waitFor('the agent\'s list', () => agent.page.getByTestId('recording-item').count(), (n) => n === 2);
    expect(await agent.page.getByTestId('evidence-export-start').count()).toBe(0);
    call.close();
  });
});

// Phone layout of the full-page (H5) chat: turning the phone keeps the conversation's end in
// view. No agent is online here, so nothing arrives late to redraw the list by chance.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';
import {
  PHONE,
  closeSide,
  expectTranscript,
  newestMessageInView,
  openH5,
  sendText,
  waitFor,
} from './harness/chat.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('phone H5 chat: turned to landscape, the newest message stays in view', async () => {
  const visitor = await openH5(browser, server.url, PHONE);
  try {
    const sent: string[] = [];
    for (const n of ['One', 'Two', 'Three', 'Four', 'Five']) {
      await sendText(visitor.scope, `${n}: a line that fits the portrait screen`);
      sent.push(`visitor: ${n}: a line that fits the portrait screen`);
    }
    await expectTranscript(visitor.scope, sent);
    const scrollTop = () => visitor.page.evaluate(() => document.querySelector('[role=log]')!.scrollTop);
    // Everything fits in portrait; in landscape the list scrolls, and it should show its end.
    expect(await scrollTop()).toBe(0);
    expect(await newestMessageInView(visitor.scope)).toBe(true);
    await visitor.page.setViewportSize({ width: 844, height: 390 });
    await waitFor('the newest message in view', () => newestMessageInView(visitor.scope), Boolean, 5_000);
    expect(await scrollTop()).toBeGreaterThan(0);
    // And back to portrait.
    await visitor.page.setViewportSize({ width: 390, height: 844 });
    await waitFor('the newest message in view', () => newestMessageInView(visitor.scope), Boolean, 5_000);
    expect(visitor.errors).toEqual([]);
  } finally {
    await closeSide(visitor);
  }
});

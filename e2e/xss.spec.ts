// Messages carrying HTML and script are shown as literal text on both sides and nothing in
// them runs: not in the widget's iframe, not on the host (demo) page, not in the workspace.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';
import {
  DESKTOP,
  closeSide,
  expectTranscript,
  loginAgent,
  openWidget,
  sendText,
  startConversation,
  type Scope,
  type Side,
} from './harness/chat.js';

let server: RunningServer;
let browser: Browser;
let agent: Side | undefined;
let visitor: Side | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await closeSide(agent);
  await closeSide(visitor);
  await browser?.close();
  await server?.stop();
});

/** Markup that would set window.__pwned if any of it were parsed as HTML. */
function payload(who: string): string {
  return [
    `${who}:`,
    `<img src=x onerror="window.__pwned='${who}-img'">`,
    `<script>window.__pwned='${who}-script'</script>`,
    `<b>bold</b>`,
    `<svg onload="window.__pwned='${who}-svg'"></svg>`,
    `<iframe srcdoc="<script>parent.__pwned='${who}-iframe'</script>"></iframe>`,
    // A link the UIs turn into <a>: the quote must not break out of href.
    `https://example.com/"><img src=x onerror="window.__pwned='${who}-href'">`,
    `[x](javascript:window.__pwned='${who}-js')`,
  ].join(' ');
}

/** Elements in the message texts, the workspace's list preview or the demo page's event log. */
function injected(scope: Scope): Promise<string[]> {
  return scope.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid=message-text], .conv-preview, #log'))
      .flatMap((n) => Array.from(n.querySelectorAll('b, img, script, svg, iframe, a[href^="javascript:"]')))
      .map((n) => n.outerHTML),
  );
}

function pwned(scope: Scope): Promise<unknown> {
  return scope.evaluate(() => (window as { __pwned?: unknown }).__pwned);
}

test('HTML and script in messages are shown as text and never run', async () => {
  agent = await loginAgent(browser, server.url);
  visitor = await openWidget(browser, server.url, DESKTOP);
  const v = visitor;
  const a = agent;

  const fromVisitor = payload('visitor');
  const fromAgent = payload('agent');
  await startConversation(v, a, fromVisitor);
  await sendText(a.scope, fromAgent);
  // A plain message after the payloads: once both sides show it, the payloads have been on
  // screen (and any image error handler would have fired) for a full round trip.
  await sendText(v.scope, 'plain text after the payloads');
  const expected = [
    `visitor: ${fromVisitor}`,
    `agent: ${fromAgent}`,
    'visitor: plain text after the payloads',
  ];
  await expectTranscript(v.scope, expected);
  await expectTranscript(a.scope, expected);

  // The exact text, character for character, in the message bubbles of both sides.
  for (const scope of [v.scope, a.scope]) {
    const texts = await scope
      .locator('[data-testid=message]:not([data-author=system]) [data-testid=message-text]')
      .allTextContents();
    expect(texts).toEqual([fromVisitor, fromAgent, 'plain text after the payloads']);
  }
  // The workspace list preview and the demo page's event log show the text too, as text.
  await a.page
    .getByTestId('conversation-item')
    .filter({ hasText: 'plain text after the payloads' })
    .waitFor();
  await v.page.locator('#log').filter({ hasText: 'message.received: agent: <img src=x onerror=' }).waitFor();

  // Both http(s) links were made into links whose href kept the quote inside the URL.
  const hrefs = await v.scope
    .locator('[data-testid=message-text] a')
    .evaluateAll((as) => as.map((x) => x.getAttribute('href')));
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) expect(href).toMatch(/^https:\/\/example\.com\//);

  // Nothing ran anywhere, and no element was made from the markup.
  for (const scope of [v.scope, v.page, a.page]) {
    expect(await pwned(scope)).toBeUndefined();
    expect(await injected(scope)).toEqual([]);
  }
  expect(v.errors).toEqual([]);
  expect(a.errors).toEqual([]);
});

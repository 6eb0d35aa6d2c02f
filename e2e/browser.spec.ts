// Proves the browser harness: Debian's Chromium starts headless and renders a page.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

test('headless chromium opens a data: URL', async () => {
  const page = await browser!.newPage();
  await page.goto('data:text/html,<title>Visavis harness</title><p>ok</p>');
  expect(await page.title()).toBe('Visavis harness');
  expect(await page.textContent('p')).toBe('ok');
  await page.close();
});

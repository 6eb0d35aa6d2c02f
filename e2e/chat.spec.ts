// A visitor on the demo page opens the widget (launcher -> iframe), an online agent answers in
// the workspace, and they exchange text and pictures both ways; desktop and phone viewports.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';
import {
  DESKTOP,
  PHONE,
  closeSide,
  expectImagesRendered,
  expectTranscript,
  loginAgent,
  openWidget,
  sendFile,
  sendText,
  startConversation,
  type Side,
} from './harness/chat.js';
import { pngFile } from './harness/png.js';

let server: RunningServer;
let browser: Browser;
let agent: Side;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  agent = await loginAgent(browser, server.url);
});

afterAll(async () => {
  await closeSide(agent);
  await browser?.close();
  await server?.stop();
});

const cases: { name: string; options: BrowserContextOptions; fullScreen: boolean }[] = [
  { name: 'desktop', options: DESKTOP, fullScreen: false },
  { name: 'phone', options: PHONE, fullScreen: true },
];

describe('widget on the demo page', () => {
  test.each(cases)(
    '$name: visitor and agent exchange text and images both ways',
    async ({ name, options, fullScreen }) => {
      const visitor = await openWidget(browser, server.url, options);
      try {
        // The panel is a floating card on desktop and covers the whole screen on a phone.
        const viewport = options.viewport!;
        const box = await visitor.page.getByTestId('chat-panel').boundingBox();
        expect(box).not.toBeNull();
        if (fullScreen) {
          expect(box!.width).toBe(viewport.width);
          expect(box!.height).toBe(viewport.height);
        } else {
          expect(box!.width).toBeLessThan(500);
          expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
          expect(box!.y).toBeGreaterThanOrEqual(0);
        }

        const hello = `Hello from the ${name} visitor`;
        await startConversation(visitor, agent, hello);
        await expectTranscript(agent.scope, [`visitor: ${hello}`]);

        const reply = `Hi ${name} visitor, Li Na here. How can I help?`;
        await sendText(agent.scope, reply);
        const textPart = [`visitor: ${hello}`, `agent: ${reply}`];
        await expectTranscript(visitor.scope, textPart);
        await expectTranscript(agent.scope, textPart);

        // Visitor -> agent picture, through the widget's file input.
        await sendFile(visitor.scope, pngFile(`${name}-visitor.png`, [22, 83, 216], [120, 200, 255]));
        const withVisitorImage = [...textPart, 'visitor: [image]'];
        await expectTranscript(visitor.scope, withVisitorImage);
        await expectTranscript(agent.scope, withVisitorImage);

        // Agent -> visitor picture, through the workspace's file input.
        await sendFile(agent.scope, pngFile(`${name}-agent.png`, [240, 120, 40], [255, 214, 102]));
        const withBothImages = [...withVisitorImage, 'agent: [image]'];
        await expectTranscript(agent.scope, withBothImages);
        await expectTranscript(visitor.scope, withBothImages);

        await sendText(visitor.scope, 'Got your picture, thanks!');
        await sendText(agent.scope, 'Got yours too.');
        const all = [...withBothImages, 'visitor: Got your picture, thanks!', 'agent: Got yours too.'];
        await expectTranscript(visitor.scope, all);
        await expectTranscript(agent.scope, all);

        // Both pictures are shown on both sides from the server's signed URLs and decoded.
        await expectImagesRendered(visitor.scope, 2);
        await expectImagesRendered(agent.scope, 2);

        expect(visitor.errors).toEqual([]);
        expect(agent.errors).toEqual([]);
      } finally {
        await closeSide(visitor);
      }
    },
  );
});

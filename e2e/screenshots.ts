// Makes the README's screenshots from the real UIs: a fresh server with the demo data, Debian's
// Chromium, an online agent and three visitors (widget on the demo page in English and in
// Chinese, the full-page H5 chat on a phone), then routing (e2e/harness/routing-shots.ts): a
// ringing offer, the supervisor's queue, the routing chain editor, the widget waiting in line and
// taking a message while the team is closed, then a video call (e2e/harness/call-shots.ts, with a
// real Janus in a network namespace: needs root and Debian's janus): the phone's call screen in
// portrait and landscape, its settings sheet, and the workspace's call panel.
// Run: npx tsx e2e/screenshots.ts (or `... screenshots.ts calls` for the call shots alone).
// Writes docs/screenshots/*.png. Not part of the test run. For the Chinese text, install a CJK
// font first (Debian: apt-get install fonts-noto-cjk).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';
import { REPO_ROOT, startServer } from './harness/server.js';
import {
  DESKTOP,
  PHONE,
  WORKSPACE_SIZE,
  closeSide,
  expectImagesRendered,
  expectTranscript,
  loginAgent,
  openConversation,
  openH5,
  openWidget,
  sendFile,
  sendText,
  startConversation,
  type Side,
} from './harness/chat.js';
import { pngFile } from './harness/png.js';
import { shootRouting } from './harness/routing-shots.js';
import { shootCalls } from './harness/call-shots.js';

const OUT = join(REPO_ROOT, 'docs/screenshots');

type Line = { from: 'visitor' | 'agent'; text?: string; image?: ReturnType<typeof pngFile> };

/** Plays a conversation line by line, waiting for each to reach the other side. */
async function play(visitor: Side, agent: Side, lines: Line[]): Promise<string> {
  const shown: string[] = [];
  let id = '';
  for (const [i, line] of lines.entries()) {
    const side = line.from === 'visitor' ? visitor : agent;
    if (i === 0) {
      id = await startConversation(visitor, agent, line.text!);
    } else if (line.image) {
      await sendFile(side.scope, line.image);
    } else {
      await sendText(side.scope, line.text!);
    }
    shown.push(`${line.from}: ${line.image ? '[image]' : line.text}`);
    await expectTranscript(visitor.scope, shown);
    await expectTranscript(agent.scope, shown);
  }
  const images = lines.filter((l) => l.image).length;
  if (images) {
    await expectImagesRendered(visitor.scope, images);
    await expectImagesRendered(agent.scope, images);
  }
  return id;
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let fonts finish and the last frame paint; the panel's opening transition is 180 ms.
  await page.evaluate(() =>
    document.fonts.ready.then(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    ),
  );
  await page.screenshot({ path: join(OUT, `${name}.png`), animations: 'disabled', caret: 'hide' });
  console.log(`docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  if (process.argv[2] !== 'calls') await shootChatAndRouting();
  // 6. A video call: the phone in portrait and landscape, its settings, the agent's call panel.
  await shootCalls(shoot);
}

async function shootChatAndRouting(): Promise<void> {
  const server = await startServer();
  let browser: Browser | undefined;
  const sides: Side[] = [];
  try {
    browser = await launchBrowser();
    const agent = await loginAgent(browser, server.url, { options: WORKSPACE_SIZE });
    sides.push(agent);

    // 1. The widget on the demo page, desktop.
    const desk = await openWidget(browser, server.url, DESKTOP);
    sides.push(desk);
    const deskId = await play(desk, agent, [
      { from: 'visitor', text: 'Hi! I was charged twice for a card payment yesterday.' },
      { from: 'agent', text: "Hello, I'm Li Na. Sorry about that, let me look at your recent transactions." },
      { from: 'visitor', text: "Here's the screenshot from my banking app." },
      { from: 'visitor', image: pngFile('statement.png', [22, 83, 216], [120, 200, 255], 480, 300) },
      {
        from: 'agent',
        text: 'Thanks! The second charge is only a pending authorisation; it disappears within 2 business days.',
      },
      { from: 'visitor', text: 'Great, thank you for the quick help!' },
    ]);
    await shoot(desk.page, 'widget');

    // 2. The full-page H5 chat on a phone, portrait then landscape.
    const phone = await openH5(browser, server.url, { ...PHONE, deviceScaleFactor: 2 });
    sides.push(phone);
    await play(phone, agent, [
      { from: 'visitor', text: 'Can I open a savings account from my phone?' },
      {
        from: 'agent',
        text: 'Yes! In the app tap Accounts → Open new → Smart Saver. It takes about five minutes.',
      },
      { from: 'visitor', text: 'Do I need to visit a branch to verify my ID?' },
      {
        from: 'agent',
        text: 'No, we can verify you right here on a short video call whenever you are ready.',
      },
    ]);
    await shoot(phone.page, 'mobile');
    await phone.page.setViewportSize({ width: 844, height: 390 });
    await shoot(phone.page, 'mobile-landscape');

    // 3. The widget in Chinese (the browser's language picks it).
    const zh = await openWidget(browser, server.url, { ...DESKTOP, locale: 'zh-CN' });
    sides.push(zh);
    await play(zh, agent, [
      { from: 'visitor', text: '你好，我想了解一下房贷的利率。' },
      { from: 'agent', text: '您好！目前五年固定利率为 3.4%。您想预约一次视频咨询吗？' },
      { from: 'visitor', text: '好的，明天下午可以吗？' },
    ]);
    await shoot(zh.page, 'widget-zh-CN');

    // 4. The workspace with the first conversation open.
    await openConversation(agent.page, deskId);
    await expectImagesRendered(agent.scope, 1);
    await agent.page.mouse.move(0, 0);
    await shoot(agent.page, 'workspace');

    // 5. Routing: offers, the supervisor's queue, the chain editor, waiting in line, closed hours.
    await shootRouting(browser, server.url, shoot, sides);
  } finally {
    for (const side of sides) await closeSide(side);
    await browser?.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

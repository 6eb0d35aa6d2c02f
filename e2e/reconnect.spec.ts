// Mid-conversation the agent's and then the visitor's socket are dropped, and then the whole server is restarted (same
// port and data dir); both sides keep sending throughout. Afterwards each side shows every
// message exactly once, in the same order, and so does a fresh load of each page.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';
import {
  DESKTOP,
  closeSide,
  dropConnection,
  expectTranscript,
  loginAgent,
  openConversation,
  openWidget,
  sendText,
  showWidget,
  startConversation,
  transcript,
  waitConnected,
  waitDisconnected,
  waitFor,
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

/**
 * Waits until both sides show the same list and it holds exactly the messages in `sent`
 * (nothing pending, nothing twice); answers that list. The order between the two senders'
 * messages sent in the same outage is up to the server; each sender's own order is checked.
 */
async function converged(v: Side, a: Side, sent: string[]): Promise<string[]> {
  const want = [...sent].sort();
  const both = await waitFor(
    `both sides to show exactly ${JSON.stringify(sent)}`,
    async () => ({ visitor: await transcript(v.scope), agent: await transcript(a.scope) }),
    (s) =>
      JSON.stringify(s.visitor) === JSON.stringify(s.agent) &&
      JSON.stringify([...s.visitor].sort()) === JSON.stringify(want),
  );
  for (const author of ['visitor', 'agent']) {
    const mine = (m: string) => m.startsWith(`${author}: `);
    expect(both.visitor.filter(mine)).toEqual(sent.filter(mine));
  }
  return both.visitor;
}

test('dropped sockets and a server restart lose and duplicate no message', async () => {
  agent = await loginAgent(browser, server.url);
  visitor = await openWidget(browser, server.url, DESKTOP);
  const v = visitor;
  const a = agent;
  const sent: string[] = [];
  const say = async (side: Side, author: 'visitor' | 'agent', text: string) => {
    await sendText(side.scope, text);
    sent.push(`${author}: ${text}`);
  };

  const id = await startConversation(v, a, 'v1 my card was declined');
  sent.push('visitor: v1 my card was declined');
  await say(a, 'agent', 'a1 let me check that for you');
  await expectTranscript(v.scope, sent);
  await expectTranscript(a.scope, sent);

  // 1. The agent's socket drops (as on a network blip); both sides send at once.
  await dropConnection(a.scope);
  await say(a, 'agent', 'a2 sent right after my socket dropped');
  await say(v, 'visitor', 'v2 sent while the agent was away');
  await converged(v, a, sent);
  await waitConnected(a.scope);

  // 1b. Then the visitor's socket drops.
  await dropConnection(v.scope);
  await say(v, 'visitor', 'v3 sent right after my socket dropped');
  await say(a, 'agent', 'a3 sent while the visitor was away');
  await converged(v, a, sent);
  await waitConnected(v.scope);

  // 2. The server restarts. Both sides send while it is down: the messages wait, unconfirmed.
  await server.restart({
    whileDown: async () => {
      await waitDisconnected(v.scope);
      await waitDisconnected(a.scope);
      await say(v, 'visitor', 'v4 sent while the server was down');
      await say(a, 'agent', 'a4 sent while the server was down');
      expect((await transcript(v.scope)).at(-1)).toBe('visitor: v4 sent while the server was down (pending)');
      expect((await transcript(a.scope)).at(-1)).toBe('agent: a4 sent while the server was down (pending)');
    },
  });
  await waitConnected(v.scope);
  await waitConnected(a.scope);
  await converged(v, a, sent);

  // 3. And live traffic flows again after the restart.
  await say(v, 'visitor', 'v5 after the restart');
  await say(a, 'agent', 'a5 after the restart');
  const final = await converged(v, a, sent);
  expect(final).toHaveLength(10);
  expect(final.slice(0, 2)).toEqual(sent.slice(0, 2));

  // 4. A fresh load of both pages shows the stored history: the same list, once each.
  v.scope = await showWidget(v.page, server.url);
  await a.page.reload();
  await waitConnected(a.page);
  await openConversation(a.page, id);
  await expectTranscript(v.scope, final);
  await expectTranscript(a.scope, final);

  expect(v.errors).toEqual([]);
  expect(a.errors).toEqual([]);
});

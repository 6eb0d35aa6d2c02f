// Shared set-up of the routing browser tests: one Chromium per file, a fresh server per test
// (routing state is per organisation), and every page opened in a test closed after it.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import { closeSide, openConversation, waitFor, type Side } from './chat.js';
import { adminApi, liveConversationIds, type AdminApi } from './routing.js';

export interface RoutingSuite {
  browser(): Browser;
  /** A fresh server with the demo data, and the admin API signed in on it. */
  fresh(): Promise<{ url: string; admin: AdminApi }>;
  /** Registers a side for closing after the test (and for the page-error check). */
  keep<S extends Side>(side: S): S;
  /** No page opened in this test threw an uncaught exception. */
  expectNoPageErrors(): void;
}

export function routingSuite(): RoutingSuite {
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  let sides: Side[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const side of sides) await closeSide(side);
    sides = [];
    await server?.stop();
    server = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    browser: () => browser!,
    async fresh() {
      server = await startServer();
      return { url: server.url, admin: await adminApi(server.url) };
    },
    keep(side) {
      sides.push(side);
      return side;
    },
    expectNoPageErrors() {
      for (const side of sides) expect(side.errors).toEqual([]);
    },
  };
}

/** The agent closes a conversation from the workspace (it is selected, then Close → confirm). */
export async function closeFromWorkspace(agent: Page, conversationId: string): Promise<void> {
  await openConversation(agent, conversationId);
  await agent.getByTestId('close-conversation').click();
  await agent.getByTestId('confirm-close').click();
  await waitFor(
    'the conversation to leave the live list',
    () => liveConversationIds(agent),
    (ids) => !ids.includes(conversationId),
  );
}

/** Opens "Why here?" in the visitor panel and answers the strategy that chose the agent. */
export async function whyHere(agent: Page): Promise<string> {
  await agent.getByTestId('routing-why').locator('summary').click();
  const decision = agent.getByTestId('routing-decision');
  await decision.waitFor();
  return (await decision.getAttribute('data-strategy')) ?? '';
}

// Defects a newcomer hit (issue 10), in the browser: the supervisor's open workspace shows a new
// waiting visitor without a reload, named the same in the inbox and the queue (by the visitor,
// not the conversation); a returning visitor's chat shows their earlier, closed conversation.
// NEWCOMER_SHOTS=<dir> also saves screenshots of these screens there.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ConversationSummary } from '@visavis/protocol';
import { visitorDisplayName, visitorTag } from '@visavis/domain';
import { AGENT1, PHONE, expectTranscript, loginAgent, openConversation, openH5, sendText, waitFor, waitConnected } from './harness/chat.js';
import { SUPERVISOR, liveConversationIds, signIn } from './harness/routing.js';
import { closeFromWorkspace, routingSuite } from './harness/routing-suite.js';

const suite = routingSuite();
const { fresh, keep, expectNoPageErrors } = suite;
let browser: Browser;
beforeAll(() => {
  browser = suite.browser();
});

const shotsDir = process.env.NEWCOMER_SHOTS;
async function shot(page: Page, name: string): Promise<void> {
  if (!shotsDir) return;
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`) });
}

/** The one conversation that appears in this workspace's live list (fresh server: the only one). */
async function firstLiveConversation(page: Page): Promise<string> {
  const ids = await waitFor('a conversation in the live list', () => liveConversationIds(page), (list) => list.length === 1);
  return ids[0]!;
}

describe('newcomer defects in the browser', () => {
  test("the supervisor's open workspace shows a new waiting visitor live, with one name in inbox and queue", async () => {
    const { url, admin } = await fresh();
    // Watching only: the supervisor stays offline, so routing gives them nothing and it waits.
    const supervisor = keep(await signIn(browser, url, SUPERVISOR));
    await supervisor.page.getByTestId('tab-live').waitFor();
    // A reload would drop this marker: it proves the list below was updated in place.
    await supervisor.page.evaluate(() => ((window as { __noReload?: boolean }).__noReload = true));
    expect(await liveConversationIds(supervisor.page)).toEqual([]);

    const visitor = keep(await openH5(browser, url, PHONE));
    await sendText(visitor.scope, 'Hello, is anyone there?');

    const id = await firstLiveConversation(supervisor.page);
    const item = supervisor.page.locator(`[data-testid=conversation-item][data-conversation-id="${id}"]`);
    expect(await item.getAttribute('data-status')).toBe('queued');
    await waitFor('the preview of the first message', () => item.textContent(), (t) => (t ?? '').includes('Hello, is anyone there?'));
    const inboxName = (await item.locator('.conv-name').textContent()) ?? '';

    // The name is the visitor's (their id's tag), not the conversation's.
    const { conversation } = await admin.call<{ conversation: ConversationSummary }>('GET', `/api/conversations/${id}`);
    expect(inboxName).toBe(visitorDisplayName({ id: conversation.visitorId, name: conversation.visitorName }));
    expect(inboxName).not.toContain(visitorTag(id));
    await shot(supervisor.page, 'supervisor-inbox-live');

    await supervisor.page.getByTestId('nav-queue').click();
    const row = supervisor.page.locator(`[data-testid=queue-row][data-conversation-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('.cell-name').textContent()).toBe(inboxName);
    await shot(supervisor.page, 'supervisor-queue-same-name');
    expect(await supervisor.page.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);

    // Closing while it waits reaches the open workspace too (it leaves the live list).
    await visitor.scope.getByTestId('end-chat').click();
    await supervisor.page.getByTestId('nav-inbox').click();
    await waitFor('the closed conversation to leave the live list', () => liveConversationIds(supervisor.page), (ids) => !ids.includes(id));
    expectNoPageErrors();
  });

  test("a returning visitor sees the earlier conversation's messages in the chat", async () => {
    const { url } = await fresh();
    const agent = keep(await loginAgent(browser, url, { email: AGENT1 }));
    const visitor = keep(await openH5(browser, url, PHONE));
    await sendText(visitor.scope, 'I lost my card');
    const id = await firstLiveConversation(agent.page);
    await openConversation(agent.page, id);
    await sendText(agent.page, 'We have blocked it; a new one is on its way');
    await expectTranscript(visitor.scope, ['visitor: I lost my card', 'agent: We have blocked it; a new one is on its way']);
    await closeFromWorkspace(agent.page, id);

    // Later: the same browser comes back to the chat.
    await visitor.page.reload();
    await waitConnected(visitor.page);
    const toggle = visitor.page.getByTestId('history-toggle');
    await toggle.waitFor();
    expect(await toggle.textContent()).toBe('Earlier conversations (1)');
    // Nothing of it shows until asked: the new chat starts clean.
    expect(await visitor.page.locator('[data-testid=history-transcript] [data-testid=message]').count()).toBe(0);
    await shot(visitor.page, 'widget-history-folded');

    await toggle.click();
    const entry = visitor.page.locator(`[data-testid=history-entry][data-conversation-id="${id}"]`);
    await entry.waitFor();
    expect(await entry.textContent()).toContain('We have blocked it; a new one is on its way');
    await entry.click();
    const messages = visitor.page.locator('[data-testid=history-transcript] [data-testid=message]');
    await waitFor(
      'the earlier transcript',
      () => messages.evaluateAll((nodes) => nodes.filter((n) => (n as HTMLElement).dataset.author !== 'system').map((n) => `${(n as HTMLElement).dataset.author}: ${n.querySelector('[data-testid=message-text]')?.textContent ?? ''}`)),
      (lines) => lines.join('\n') === 'visitor: I lost my card\nagent: We have blocked it; a new one is on its way',
    );
    await shot(visitor.page, 'widget-history-open');

    // The visitor can still start a new conversation below it.
    await sendText(visitor.scope, 'Thanks, one more question');
    await waitFor('a new live conversation', () => liveConversationIds(agent.page), (ids) => ids.some((x) => x !== id));
    expectNoPageErrors();
  });
});

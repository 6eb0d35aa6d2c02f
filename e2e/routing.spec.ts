// ACD routing through the real UIs: a returning visitor goes back to their agent, a VIP jumps the
// queue, a designated-agent link (H5 and embed) reaches that agent, a waiting visitor watches their
// place in line fall, and an agent accepts a ringing offer. Fresh server per test, one Chromium.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  AGENT1,
  AGENT2,
  DESKTOP,
  PHONE,
  expectTranscript,
  loginAgent,
  openConversation,
  openH5,
  sendText,
  startConversation,
  visitorConversationId,
  waitConnected,
  waitFor,
  type Side,
} from './harness/chat.js';
import {
  agentLoad,
  expectPosition,
  liveConversationIds,
  openH5With,
  openWidgetRouted,
  queueLine,
  recordPositions,
  recordedPositions,
  setAgentRouting,
  visitorIdOf,
} from './harness/routing.js';
import { closeFromWorkspace, routingSuite, whyHere } from './harness/routing-suite.js';

const suite = routingSuite();
const { fresh, keep, expectNoPageErrors } = suite;
let browser: Browser;
beforeAll(() => {
  browser = suite.browser();
});

describe('routing in the browser', () => {
  test('a returning visitor goes back to the agent who served them, though another is less loaded', async () => {
    const { url, admin } = await fresh();
    const agent2 = keep(await loginAgent(browser, url, { email: AGENT2 }));
    const visitor = keep(await openH5(browser, url, PHONE));
    // Only Chen Wei (agent2) is online: he serves the first visit, and then closes it.
    const firstId = await startConversation(visitor, agent2, 'Hello, first visit here');
    await closeFromWorkspace(agent2.page, firstId);
    await visitor.page.getByTestId('new-conversation').waitFor();
    // Someone else keeps him busy, and Li Na (agent1) comes online with nothing to do.
    const other = keep(await openH5(browser, url, PHONE));
    await startConversation(other, agent2, 'A different customer');
    const agent1 = keep(await loginAgent(browser, url, { email: AGENT1 }));
    expect(await agentLoad(admin, AGENT2)).toBe(1);
    expect(await agentLoad(admin, AGENT1)).toBe(0);

    // The same browser comes back later: least-loaded alone would pick Li Na.
    await visitor.page.reload();
    await waitConnected(visitor.page);
    await sendText(visitor.scope, 'Hi again, it is me');
    const againId = await visitorConversationId(visitor.scope);
    expect(againId).not.toBe(firstId);
    await openConversation(agent2.page, againId);
    await expectTranscript(agent2.scope, ['visitor: Hi again, it is me']);
    expect(await liveConversationIds(agent1.page)).not.toContain(againId);
    expect(await whyHere(agent2.page)).toBe('returning');
    expectNoPageErrors();
  });

  test('a VIP jumps the queue: they see position 1, the earlier visitor 2, and are served first', async () => {
    const { url, admin } = await fresh();
    await setAgentRouting(admin, AGENT1, { capacity: 1 });
    const agent = keep(await loginAgent(browser, url, { email: AGENT1 }));
    const busy = keep(await openH5(browser, url, PHONE));
    const busyId = await startConversation(busy, agent, 'I keep Li Na busy');

    const plain = keep(await openH5(browser, url, PHONE));
    await sendText(plain.scope, 'I was here first');
    await expectPosition(plain.scope, 1);
    const plainId = await visitorConversationId(plain.scope);

    // The bank's backend marks this visitor VIP before they write.
    const vip = keep(await openH5(browser, url, PHONE));
    await admin.call('PUT', `/api/admin/visitors/${await visitorIdOf(vip.scope)}/routing`, {
      vip: true,
      tags: ['private-banking'],
    });
    await sendText(vip.scope, 'Private banking client here');
    await expectPosition(vip.scope, 1);
    await expectPosition(plain.scope, 2);
    const vipId = await visitorConversationId(vip.scope);

    // Li Na finishes her conversation: the VIP gets her, the earlier visitor keeps waiting, now first.
    await closeFromWorkspace(agent.page, busyId);
    await openConversation(agent.page, vipId);
    await expectTranscript(agent.scope, ['visitor: Private banking client here']);
    await expectPosition(plain.scope, 1);
    expect(await liveConversationIds(agent.page)).not.toContain(plainId);
    await waitFor(
      "the VIP's queue line to go",
      () => queueLine(vip.scope),
      (q) => !q.shown,
    );
    expectNoPageErrors();
  });

  test('a designated-agent link reaches that agent even when a colleague is less loaded', async () => {
    const { url, admin } = await fresh();
    const agent2 = keep(await loginAgent(browser, url, { email: AGENT2 }));
    const other = keep(await openH5(browser, url, PHONE));
    await startConversation(other, agent2, 'Someone already talking to Chen Wei');
    const agent1 = keep(await loginAgent(browser, url, { email: AGENT1 }));
    expect(await agentLoad(admin, AGENT2)).toBeGreaterThan(await agentLoad(admin, AGENT1));

    // The account manager's own link: /w/?siteKey=demo-bank&agent=<Chen Wei's id>.
    const client = keep(await openH5With(browser, url, PHONE, { agent: admin.ids[AGENT2]! }));
    await sendText(client.scope, 'My account manager sent me this link');
    const id = await visitorConversationId(client.scope);
    await openConversation(agent2.page, id);
    await expectTranscript(agent2.scope, ['visitor: My account manager sent me this link']);
    expect(await liveConversationIds(agent1.page)).not.toContain(id);
    expect(await whyHere(agent2.page)).toBe('designated');

    // The same through the embed: the host page calls Visavis('routing', { agent }) before opening.
    const embedded = keep(await openWidgetRouted(browser, url, DESKTOP, { agent: admin.ids[AGENT2]! }));
    await sendText(embedded.scope, 'Hello from the bank website');
    const embeddedId = await visitorConversationId(embedded.scope);
    await openConversation(agent2.page, embeddedId);
    expect(await liveConversationIds(agent1.page)).not.toContain(embeddedId);
    expect(await agentLoad(admin, AGENT1)).toBe(0);
    expectNoPageErrors();
  });

  test('a waiting visitor sees their place in line fall 3 → 2 → 1 as conversations end', async () => {
    const { url, admin } = await fresh();
    await setAgentRouting(admin, AGENT1, { capacity: 1 });
    const agent = keep(await loginAgent(browser, url, { email: AGENT1 }));
    const served = keep(await openH5(browser, url, PHONE));
    const servedId = await startConversation(served, agent, 'Being helped right now');

    const waiting: Side[] = [];
    for (const n of [1, 2, 3]) {
      const v = keep(await openH5(browser, url, PHONE));
      await sendText(v.scope, `Waiting visitor ${n}`);
      const line = await expectPosition(v.scope, n);
      // With one agent serving, the estimate is shown in whole minutes.
      expect(line.text).toMatch(new RegExp(`number ${n} in line · about \\d+ min`));
      waiting.push(v);
    }
    const third = waiting[2]!;
    await recordPositions(third.scope);

    await closeFromWorkspace(agent.page, servedId);
    await expectPosition(third.scope, 2);
    const firstWaiter = await visitorConversationId(waiting[0]!.scope);
    await closeFromWorkspace(agent.page, firstWaiter);
    await expectPosition(third.scope, 1);
    expect(await recordedPositions(third.scope)).toEqual(['3', '2', '1']);
    expectNoPageErrors();
  });

  test('an agent who does not auto-accept sees a ringing offer, accepts it and the chat opens', async () => {
    const { url, admin } = await fresh();
    await setAgentRouting(admin, AGENT1, { autoAccept: false });
    const agent = keep(await loginAgent(browser, url, { email: AGENT1 }));
    const visitor = keep(await openH5(browser, url, PHONE));
    await sendText(visitor.scope, 'Is anybody there?');
    const id = await visitorConversationId(visitor.scope);

    const card = agent.page.getByTestId('offer-card');
    await card.waitFor();
    expect(await card.getByTestId('offer-reason').textContent()).toContain('Least loaded');
    const seconds = async () =>
      Number((await card.getByTestId('offer-countdown').textContent())?.replace(/\D/g, ''));
    const first = await seconds();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(20);
    await waitFor('the countdown to tick', seconds, (s) => s < first);
    // The tab title counts the ringing offer; nothing is assigned yet.
    expect(await agent.page.title()).toMatch(/^\(1\)/);
    expect(await liveConversationIds(agent.page)).toEqual([]);

    await card.getByTestId('offer-accept').click();
    await card.waitFor({ state: 'detached' });
    await waitFor(
      'the accepted conversation to open in the chat pane',
      () => agent.page.locator('.col-chat').getAttribute('data-conversation-id'),
      (v) => v === id,
    );
    await expectTranscript(agent.scope, ['visitor: Is anybody there?']);
    await sendText(agent.scope, 'Yes, Li Na here!');
    await expectTranscript(visitor.scope, ['visitor: Is anybody there?', 'agent: Yes, Li Na here!']);
    expectNoPageErrors();
  });
});

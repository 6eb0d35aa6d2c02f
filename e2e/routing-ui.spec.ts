// The routing screens in the browser: transfer (with its refusal), leave-a-message while the team
// is closed and the offline-messages list, the admin's chain / skill group / agent editors, and the
// supervisor's live queue with VIP marking from the visitor panel. Fresh server per test.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RoutingConfig, SkillGroup } from '@visavis/protocol';
import {
  AGENT1,
  AGENT2,
  PHONE,
  loginAgent,
  openConversation,
  openH5,
  sendText,
  startConversation,
  visitorConversationId,
  waitFor,
  type Side,
} from './harness/chat.js';
import {
  ADMIN,
  SUPERVISOR,
  expectPosition,
  liveConversationIds,
  queueLine,
  signIn,
} from './harness/routing.js';
import { routingSuite } from './harness/routing-suite.js';

const suite = routingSuite();
const { fresh, keep, expectNoPageErrors } = suite;
let browser: Browser;
beforeAll(() => {
  browser = suite.browser();
});

describe('routing screens in the browser', () => {
  test('transfer: an offline colleague is refused clearly; an online one takes over, and the visitor is told', async () => {
    const { url } = await fresh();
    const agent1 = keep(await loginAgent(browser, url, { email: AGENT1 }));
    const visitor = keep(await openH5(browser, url, PHONE));
    const id = await startConversation(visitor, agent1, 'I have a mortgage question');

    await agent1.page.getByTestId('transfer-open').click();
    const dialog = agent1.page.getByTestId('transfer-dialog');
    const chenWei = dialog.locator('[data-testid=transfer-option]', { hasText: 'Chen Wei' });
    // Chen Wei is offline: the server refuses with AGENT_UNAVAILABLE and the dialog says why.
    await chenWei.click();
    await dialog.getByTestId('transfer-submit').click();
    await dialog.getByTestId('transfer-error').waitFor();
    expect(await dialog.getByTestId('transfer-error').textContent()).toContain(
      'not online or has no free capacity',
    );

    const agent2 = keep(await loginAgent(browser, url, { email: AGENT2 }));
    await dialog.getByTestId('transfer-note').fill('Wants a fixed rate <b>quote</b>');
    await dialog.getByTestId('transfer-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await openConversation(agent2.page, id);
    const notice = agent2.page.getByTestId('transfer-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Li Na 李娜 transferred the conversation to Chen Wei 陈伟');
    expect(await agent2.page.locator('[data-type="conversation.transferred"]').textContent()).toContain(
      'Wants a fixed rate <b>quote</b>',
    );
    // Li Na no longer has it; the visitor sees where they went, and not the agents' note.
    await waitFor(
      "the conversation to leave Li Na's list",
      () => liveConversationIds(agent1.page),
      (ids) => !ids.includes(id),
    );
    await waitFor(
      'the transfer notice in the widget',
      () => visitor.page.locator('[data-notice=transferred]').textContent(),
      (text) => text === 'You are being transferred to Chen Wei 陈伟',
    );
    expect(await visitor.page.content()).not.toContain('fixed rate');
    expectNoPageErrors();
  });

  test('while the team is closed the widget takes a message, which an agent then handles', async () => {
    const { url, admin } = await fresh();
    const { group } = await admin.call<{ group: { id: string } }>('POST', '/api/admin/skill-groups', {
      name: 'Night shift',
      hours: { timeZone: 'Asia/Shanghai', weekly: [], holidays: [] },
      memberIds: [admin.ids[AGENT1]],
    });
    const { config } = await admin.call<{ config: { policy: object } }>('GET', '/api/admin/routing-config');
    await admin.call('PUT', '/api/admin/routing-config', {
      ...config,
      policy: {
        ...config.policy,
        chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: group.id }, { kind: 'least-loaded' }],
      },
    });
    // Nobody is online, as at night.
    const visitor = keep(await openH5(browser, url, PHONE));
    await sendText(visitor.scope, 'Hello?');
    await waitFor(
      'the closed notice',
      () => queueLine(visitor.scope),
      (q) => q.shown && q.closed === 'true' && q.text === 'We’re closed now',
    );
    const form = visitor.page.getByTestId('offline-form');
    expect(await visitor.page.getByTestId('chat-input').isVisible()).toBe(false);
    // The form checks itself before sending.
    await form.getByTestId('offline-text').fill('Please call me back about my loan <b>today</b>');
    await form.getByTestId('offline-send').click();
    await waitFor(
      'the form to ask for a contact',
      () => form.getByTestId('offline-error').textContent(),
      (text) => text === 'Please tell us how to reach you.',
    );
    await form.getByTestId('offline-name').fill('Zhang <i>Wei</i>');
    await form.getByTestId('offline-contact').fill('+86 138 0000 0000');
    await form.getByTestId('offline-send').click();
    await visitor.page.getByTestId('offline-thanks').waitFor();

    const agent = keep(await signIn(browser, url, AGENT1));
    await agent.page.getByTestId('nav-offline').click();
    const item = agent.page.getByTestId('offline-message');
    await item.waitFor();
    expect(await item.getByTestId('offline-text').textContent()).toBe(
      'Please call me back about my loan <b>today</b>',
    );
    expect(await item.textContent()).toContain('Zhang <i>Wei</i>');
    expect(await item.textContent()).toContain('+86 138 0000 0000');
    expect(await agent.page.getByTestId('nav-offline').textContent()).toContain('1');
    await item.getByTestId('offline-done').click();
    await item.waitFor({ state: 'detached' });
    await agent.page.getByTestId('offline-tab-done').click();
    await agent.page.getByTestId('offline-message').waitFor();
    expectNoPageErrors();
  });

  test('an admin edits the routing chain, creates a skill group and adds an agent in the browser', async () => {
    const { url, admin } = await fresh();
    const page = keep(await signIn(browser, url, ADMIN)).page;
    await page.getByTestId('nav-admin').click();
    const steps = page.getByTestId('chain-step');
    await waitFor(
      'the default chain',
      () => steps.evaluateAll((n) => n.map((e) => e.getAttribute('data-kind'))),
      (k) => k.length === 5,
    );

    // Drop the VIP step, add random at the end, move least-loaded after it.
    await steps.first().getByTestId('step-remove').click();
    await page.getByTestId('chain-add-kind').selectOption('random');
    await page.getByTestId('chain-add').click();
    await page.locator('[data-testid=chain-step][data-kind=least-loaded]').getByTestId('step-down').click();
    // A skill rule: entry point "loans" → Wealth.
    const rules = page.locator('[data-testid=chain-step][data-kind=skill-rules]');
    await rules.getByTestId('rule-add').click();
    await rules.getByTestId('rule-add-condition').selectOption('entryPoint');
    await rules.getByTestId('cond-value').fill('loans, mortgage');
    await rules.getByTestId('rule-group').selectOption({ label: 'Wealth 财富管理' });
    // A ring timeout the server would refuse is caught in the form.
    await page.getByTestId('cfg-ring').fill('1');
    await page.getByTestId('cfg-problems').waitFor();
    expect(await page.getByTestId('cfg-problems').textContent()).toContain('between 3 and 300 seconds');
    expect(await page.getByTestId('routing-save').isDisabled()).toBe(true);
    await page.getByTestId('cfg-ring').fill('15');
    await page.getByTestId('routing-save').click();
    await waitFor(
      'the save to be confirmed',
      () => page.getByTestId('routing-status').textContent(),
      (t) => t === 'Saved.',
    );

    const { config } = await admin.call<{ config: RoutingConfig }>('GET', '/api/admin/routing-config');
    expect(config.policy.chain.map((c) => c.kind)).toEqual([
      'designated',
      'returning',
      'skill-rules',
      'random',
      'least-loaded',
    ]);
    const skill = config.policy.chain.find((c) => c.kind === 'skill-rules');
    expect(skill?.kind === 'skill-rules' && skill.rules.map((r) => r.when)).toEqual([
      [{ field: 'entryPoint', oneOf: ['loans', 'mortgage'] }],
    ]);
    expect(config.ringTimeoutMs).toBe(15_000);

    // A new skill group with members, weekday hours and overflow to General after a minute.
    await page.getByTestId('admin-tab-groups').click();
    await page.getByTestId('group-new').click();
    const editor = page.getByTestId('group-editor');
    await editor.getByTestId('group-name').fill('Loans 贷款');
    await editor.getByTestId('group-member').first().check();
    await editor.getByTestId('hours-enable').click();
    await editor.getByTestId('hours-tz').fill('Asia/Shanghai');
    await editor.getByTestId('group-overflow-seconds').fill('60');
    await page.getByTestId('group-problems').waitFor();
    await editor.getByTestId('group-overflow-group').selectOption({ label: 'General 综合业务' });
    await editor.getByTestId('group-save').click();
    await page.locator('[data-testid=group-item]', { hasText: 'Loans 贷款' }).waitFor();
    const { groups } = await admin.call<{ groups: (SkillGroup & { name: string })[] }>(
      'GET',
      '/api/admin/skill-groups',
    );
    const loans = groups.find((g) => g.name === 'Loans 贷款');
    const general = groups.find((g) => g.name.startsWith('General'));
    expect(loans).toMatchObject({
      memberIds: [expect.any(String)],
      overflowAfterMs: 60_000,
      overflowGroupId: general?.id,
    });
    expect(loans?.hours).toEqual({
      timeZone: 'Asia/Shanghai',
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 540, endMinute: 1080 })),
      holidays: [],
    });

    // Agents: invite one (the form asks for a name first; the person sets their own password
    // with the one-time link shown), then change their capacity.
    await page.getByTestId('admin-tab-agents').click();
    const invite = page.getByTestId('invite-agent');
    await invite.getByTestId('invite-email').fill('zhao.lei@demo.visavis.local');
    await invite.getByTestId('invite-submit').click();
    await page.getByText('Enter a name.').waitFor();
    await invite.getByTestId('invite-name').fill('Zhao Lei 赵磊');
    await invite.getByTestId('invite-submit').click();
    await page.getByTestId('one-time-link').waitFor();
    const row = page.locator('[data-testid=admin-agent-row]', { hasText: 'Zhao Lei 赵磊' });
    await row.waitFor();
    await row.getByTestId('agent-capacity').fill('3');
    await row.getByTestId('agent-auto-accept').uncheck();
    await row.getByTestId('agent-save').click();
    await row.getByText('Saved.').waitFor();
    const { agents } = await admin.call<{
      agents: { name: string; capacity: number; autoAccept: boolean }[];
    }>('GET', '/api/supervisor/agents');
    expect(agents.find((a) => a.name === 'Zhao Lei 赵磊')).toMatchObject({ capacity: 3, autoAccept: false });
    expectNoPageErrors();
  });

  test('the supervisor sees the live queue and moves a visitor up by marking them VIP', async () => {
    const { url } = await fresh();
    const visitors: Side[] = [];
    for (const text of ['First in line', 'Second in line']) {
      const v = keep(await openH5(browser, url, PHONE));
      await sendText(v.scope, text);
      visitors.push(v);
    }
    await expectPosition(visitors[1]!.scope, 2);
    const secondId = await visitorConversationId(visitors[1]!.scope);
    const supervisor = keep(await signIn(browser, url, SUPERVISOR));

    await supervisor.page.getByTestId('nav-queue').click();
    const rows = supervisor.page.getByTestId('queue-row');
    await waitFor(
      'two waiting visitors',
      () => rows.count(),
      (n) => n === 2,
    );
    const row = supervisor.page.locator(`[data-testid=queue-row][data-conversation-id="${secondId}"]`);
    expect(await row.getByTestId('queue-position').textContent()).toBe('2');
    expect(await supervisor.page.getByTestId('tile-waiting').textContent()).toContain('2');

    // In the inbox the supervisor sees waiting conversations too; the visitor panel sets VIP.
    await supervisor.page.getByTestId('nav-inbox').click();
    await openConversation(supervisor.page, secondId);
    await supervisor.page.getByTestId('visitor-vip').check();
    await supervisor.page.getByTestId('visitor-tags').fill('wealth, mortgage');
    await supervisor.page.getByTestId('visitor-routing-save').click();
    await supervisor.page.getByText('Saved.').waitFor();

    await expectPosition(visitors[1]!.scope, 1);
    await expectPosition(visitors[0]!.scope, 2);
    await supervisor.page.getByTestId('nav-queue').click();
    await waitFor(
      'the VIP at position 1 in the supervisor queue',
      async () => [await row.getAttribute('data-vip'), await row.getByTestId('queue-position').textContent()],
      ([vip, position]) => vip === 'true' && position === '1',
    );
    expectNoPageErrors();
  });
});

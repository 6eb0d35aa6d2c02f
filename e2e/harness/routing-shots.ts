// The routing screenshots for the README, played on the server e2e/screenshots.ts started:
// a ringing offer in the workspace, the supervisor's live queue, the admin's routing chain, and
// the widget on a phone waiting in line and, when the team is closed, taking a message.
import type { Browser, Page } from 'playwright-core';
import {
  AGENT1,
  AGENT2,
  PHONE,
  WORKSPACE_SIZE,
  expectTranscript,
  loginAgent,
  openConversation,
  sendText,
  startConversation,
  visitorConversationId,
  waitFor,
  type Side,
} from './chat.js';
import {
  ADMIN,
  SUPERVISOR,
  adminApi,
  expectPosition,
  openH5With,
  queueLine,
  setAgentRouting,
  signIn,
  visitorIdOf,
} from './routing.js';

export type Shoot = (page: Page, name: string) => Promise<void>;

interface Group {
  id: string;
  name: string;
  memberIds: string[];
}

const PHONE_2X = { ...PHONE, deviceScaleFactor: 2 };

/** Today's date in Shanghai, as a holiday that closes the after-hours group all day. */
function todayInShanghai(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

export async function shootRouting(
  browser: Browser,
  baseUrl: string,
  shoot: Shoot,
  sides: Side[],
): Promise<void> {
  const admin = await adminApi(baseUrl);
  const keep = <S extends Side>(s: S) => (sides.push(s), s);
  const { groups } = await admin.call<{ groups: Group[] }>('GET', '/api/admin/skill-groups');
  const general = groups.find((g) => g.name.startsWith('General'))!;
  const wealth = groups.find((g) => g.name.startsWith('Wealth'))!;
  const { group: holiday } = await admin.call<{ group: Group }>('POST', '/api/admin/skill-groups', {
    name: 'Mortgages 房贷',
    memberIds: [admin.ids[AGENT1]],
    hours: {
      timeZone: 'Asia/Shanghai',
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 9 * 60, endMinute: 18 * 60 })),
      holidays: [todayInShanghai()],
    },
    overflowAfterMs: null,
    overflowGroupId: null,
  });
  await setAgentRouting(admin, AGENT2, { groupIds: [general.id, wealth.id] });
  // VIPs first within their skill group; the wealth entry point and wealth clients go to Wealth.
  const { config } = await admin.call<{ config: { policy: object } }>('GET', '/api/admin/routing-config');
  await admin.call('PUT', '/api/admin/routing-config', {
    ...config,
    policy: {
      ...config.policy,
      chain: [
        { kind: 'designated', waitMs: 60_000 },
        { kind: 'returning', mode: 'last', lookbackMs: 30 * 24 * 3600_000, waitMs: 0 },
        {
          kind: 'skill-rules',
          defaultGroupId: general.id,
          rules: [
            { id: 'r1', when: [{ field: 'entryPoint', oneOf: ['wealth', 'funds'] }], groupId: wealth.id },
            {
              id: 'r2',
              when: [
                { field: 'tag', anyOf: ['private-banking'] },
                { field: 'vip', equals: true },
              ],
              groupId: wealth.id,
            },
            {
              id: 'r3',
              when: [{ field: 'pageUrl', matches: '/mortgages' }, { field: 'groupOpen' }],
              groupId: holiday.id,
            },
            { id: 'r4', when: [{ field: 'entryPoint', oneOf: ['mortgage'] }], groupId: holiday.id },
          ],
        },
        { kind: 'vip', vipGroupId: null, preferDesignated: true },
        { kind: 'least-loaded' },
      ],
    },
  });

  // 1. A ringing offer. Chen Wei first talks to a client who came through his own link...
  const chen = keep(await loginAgent(browser, baseUrl, { email: AGENT2, options: WORKSPACE_SIZE }));
  const client = keep(await openH5With(browser, baseUrl, PHONE, { agent: admin.ids[AGENT2]! }));
  const clientId = await startConversation(
    client,
    chen,
    'Hi Chen Wei, can we move my appointment to Friday?',
  );
  await sendText(chen.scope, 'Of course! Friday at 10:00 works. I have updated it for you.');
  await sendText(client.scope, 'Perfect, thank you.');
  await expectTranscript(chen.scope, [
    'visitor: Hi Chen Wei, can we move my appointment to Friday?',
    'agent: Of course! Friday at 10:00 works. I have updated it for you.',
    'visitor: Perfect, thank you.',
  ]);
  // ... then switches to accepting offers by hand, and a VIP wealth client arrives.
  await setAgentRouting(admin, AGENT2, { autoAccept: false });
  const vip = keep(await openH5With(browser, baseUrl, PHONE, { entryPoint: 'wealth' }));
  await admin.call('PUT', `/api/admin/visitors/${await visitorIdOf(vip.scope)}/routing`, {
    vip: true,
    tags: ['private-banking'],
  });
  await sendText(vip.scope, 'I would like advice on investing a bonus.');
  const card = chen.page.getByTestId('offer-card');
  await card.waitFor();
  await openConversation(chen.page, clientId);
  await chen.page.mouse.move(0, 0);
  await shoot(chen.page, 'offer');
  await card.getByTestId('offer-accept').click();
  await card.waitFor({ state: 'detached' });

  // 2. The supervisor's live queue: both agents full, visitors waiting in General and Wealth.
  await setAgentRouting(admin, AGENT1, { capacity: 3 });
  await setAgentRouting(admin, AGENT2, { capacity: 2, autoAccept: true });
  const waiting: { entry?: string; vip?: boolean; text: string }[] = [
    { text: 'My card was declined at a shop abroad.' },
    { entry: 'funds', text: 'What are the fees on the global equity fund?' },
    { text: 'How do I raise my daily transfer limit?' },
    { vip: true, text: 'I need to wire a large amount today.' },
    { entry: 'wealth', text: 'Can I book a portfolio review?' },
  ];
  let phone: Side | undefined;
  for (const w of waiting) {
    const v = keep(await openH5With(browser, baseUrl, PHONE_2X, w.entry ? { entryPoint: w.entry } : {}));
    if (w.vip)
      await admin.call('PUT', `/api/admin/visitors/${await visitorIdOf(v.scope)}/routing`, { vip: true });
    await sendText(v.scope, w.text);
    await waitFor(
      'a place in line',
      () => queueLine(v.scope),
      (q) => q.shown && q.position !== '',
    );
    if (!w.entry && !w.vip && !phone) phone = v;
  }
  const supervisor = keep(await signIn(browser, baseUrl, SUPERVISOR));
  await supervisor.page.getByTestId('nav-queue').click();
  await waitFor(
    'five waiting visitors',
    () => supervisor.page.getByTestId('queue-row').count(),
    (n) => n === 5,
  );
  await shoot(supervisor.page, 'supervisor-queue');

  // 3. The widget on a phone, waiting in line with an estimate.
  await sendText(phone!.scope, 'It says "transaction not permitted".');
  await expectPosition(phone!.scope, 2);
  await shoot(phone!.page, 'widget-queue');

  // 4. The admin's routing chain.
  const adminSide = keep(await signIn(browser, baseUrl, ADMIN));
  await adminSide.page.getByTestId('nav-admin').click();
  await adminSide.page.getByTestId('chain-step').first().waitFor();
  await waitFor(
    'the rules to name their groups',
    () => adminSide.page.getByTestId('rule-group').first().inputValue(),
    (v) => v === wealth.id,
  );
  // Tall enough for the whole chain, so the picture shows every step and rule at once.
  const height = await adminSide.page
    .locator('.view')
    .evaluate((el) => el.scrollHeight + el.getBoundingClientRect().top);
  await adminSide.page.setViewportSize({ width: 1440, height: Math.min(2400, Math.ceil(height)) });
  await shoot(adminSide.page, 'admin-routing');

  // 5. The mortgage team is off for a public holiday: the widget takes a message instead.
  const closed = keep(await openH5With(browser, baseUrl, PHONE_2X, { entryPoint: 'mortgage' }));
  await sendText(closed.scope, 'Hello, is anyone there?');
  await waitFor(
    'the closed notice',
    () => queueLine(closed.scope),
    (q) => q.closed === 'true',
  );
  await closed.page.getByTestId('offline-name').fill('Zhang Wei');
  await closed.page.getByTestId('offline-contact').fill('zhang.wei@example.com');
  await closed.page
    .getByTestId('offline-text')
    .fill('I would like to refinance my mortgage. Please call me tomorrow morning.');
  await closed.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await shoot(closed.page, 'widget-closed');
  await visitorConversationId(closed.scope);
}

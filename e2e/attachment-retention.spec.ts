// Admin → Recording → "Chat attachments": the admin sets the organisation's retention and one
// skill group's override, sees them kept after a reload (and in the API), and runs the clean-up,
// which removes a sent attachment past the organisation's days and an upload never sent.
// The files are made old by moving their upload time back while the server is stopped.
// ATTACHMENT_SHOTS=<dir> keeps screenshots of the card.
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Connection, newClientMsgId, type WebSocketLike } from '@visavis/client';
import type { Attachment, ConversationSummary, VisitorSessionResponse } from '@visavis/protocol';
import { PgliteDatabase } from '../apps/server/src/adapters/postgres/pglite-database.js';
import { launchBrowser } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';
import { SITE_KEY, loginAgent, waitFor, type Side } from './harness/chat.js';

const ADMIN = 'admin@demo.visavis.local';
const SHOTS = process.env.ATTACHMENT_SHOTS;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let server: RunningServer;
let browser: Browser;
let admin: Side | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await admin?.context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

/** A visitor sends one image and uploads another it never sends; both files stay on the server. */
async function visitorFiles(): Promise<{ conversationId: string; sent: Attachment; orphan: Attachment }> {
  const res = await fetch(`${server.url}/api/visitor/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: SITE_KEY }),
  });
  expect(res.status).toBe(200);
  const { visitorToken } = (await res.json()) as VisitorSessionResponse;
  const conn = new Connection({
    url: `${server.url.replace(/^http/, 'ws')}/ws`,
    token: visitorToken,
    createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
  });
  try {
    const { conversation } = await conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    const upload = async (name: string) => {
      const form = new FormData();
      form.append('file', new Blob([PNG], { type: 'image/png' }), name);
      const r = await fetch(`${server.url}/api/uploads?conversationId=${conversation.id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${visitorToken}` },
        body: form,
      });
      expect(r.status, await r.clone().text()).toBe(200);
      return ((await r.json()) as { attachment: Attachment }).attachment;
    };
    const sent = await upload('receipt.png');
    const orphan = await upload('never-sent.png');
    await conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: newClientMsgId(), text: '', blobId: sent.blobId });
    // Closed, so no agent is offered it while the admin is signed in.
    await conn.request({ type: 'conversation.close', conversationId: conversation.id });
    return { conversationId: conversation.id, sent, orphan };
  } finally {
    conn.close();
  }
}

interface RetentionApi {
  defaultDays: number;
  orgDays: number | null;
  groups: { id: string; name: string; days: number | null }[];
}

const row = (page: Page, scope: 'org' | { groupId: string }) =>
  page.locator(
    scope === 'org' ? '[data-testid=retention-row][data-scope=org]' : `[data-testid=retention-row][data-group-id="${scope.groupId}"]`,
  );

/** Waits until a row shows these days in effect, from this source. */
const inEffect = (page: Page, scope: 'org' | { groupId: string }, days: number, source: 'own' | 'org' | 'default') =>
  row(page, scope).locator(`[data-testid=retention-in-effect][data-days="${days}"][data-source=${source}]`).waitFor();

async function openCard(page: Page): Promise<void> {
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-tab-recording').click();
  await page.getByTestId('attachment-retention').locator('[data-testid=retention-row][data-scope=org]').waitFor();
}

async function save(page: Page, scope: 'org' | { groupId: string }): Promise<void> {
  await row(page, scope).getByTestId('retention-save').click();
  await row(page, scope).locator('[data-testid=retention-status][data-ok=true]').waitFor();
}

const shot = async (page: Page, name: string) => {
  if (!SHOTS) return;
  await page.getByTestId('attachment-retention').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};

test('admin sets attachment retention for the organisation and a group, it is kept, and the clean-up removes what is due', async () => {
  const files = await visitorFiles();
  expect((await fetch(`${server.url}${files.sent.url}`)).status).toBe(200);

  // Ten days pass for these two files (the server is down while their upload time moves back).
  let conversationGroup: string | null = null;
  await server.restart({
    whileDown: async () => {
      const db = await PgliteDatabase.open(join(server.dataDir, 'pglite'));
      try {
        const moved = await db.query<{ id: string }>(
          `update blobs set created_at = created_at - interval '10 days' where conversation_id = $1 returning id`,
          [files.conversationId],
        );
        expect(moved).toHaveLength(2);
        const [c] = await db.query<{ group_id: string | null }>('select group_id from conversations where id = $1', [files.conversationId]);
        conversationGroup = c?.group_id ?? null;
      } finally {
        await db.close();
      }
    },
  });

  admin = await loginAgent(browser, server.url, { email: ADMIN });
  const page = admin.page;
  await openCard(page);

  // Nothing set yet: the server default (ATTACHMENT_RETENTION_DAYS, 180) is what is in effect.
  const before = (await (await page.request.get(`${server.url}/api/admin/attachment-retention`)).json()) as RetentionApi;
  expect(before.orgDays).toBeNull();
  expect(before.groups.length).toBeGreaterThanOrEqual(2);
  await page.locator(`[data-testid=retention-server-default][data-days="${before.defaultDays}"]`).waitFor();
  await inEffect(page, 'org', before.defaultDays, 'default');
  const orgBox = row(page, 'org').getByTestId('retention-days');
  expect(await orgBox.inputValue()).toBe('');
  expect(await orgBox.getAttribute('placeholder')).toBe('inherit');
  expect(await row(page, 'org').getByTestId('retention-save').isDisabled()).toBe(true);
  expect(await page.getByTestId('retention-row').count()).toBe(before.groups.length + 1);

  // An invalid value is named and cannot be saved.
  await orgBox.fill('0');
  await row(page, 'org').locator('.form-error').waitFor();
  expect(await row(page, 'org').getByTestId('retention-save').isDisabled()).toBe(true);

  // The organisation keeps files 7 days; every group without its own days follows.
  await orgBox.fill('7');
  expect(await row(page, 'org').locator('.form-error').count()).toBe(0);
  await save(page, 'org');
  await inEffect(page, 'org', 7, 'own');
  for (const g of before.groups) await inEffect(page, { groupId: g.id }, 7, 'org');

  // One group (not the conversation's) keeps them 30 days.
  const other = before.groups.find((g) => g.id !== conversationGroup)!;
  const inherits = before.groups.find((g) => g.id !== other.id)!;
  await row(page, { groupId: other.id }).getByTestId('retention-days').fill('30');
  await save(page, { groupId: other.id });
  await inEffect(page, { groupId: other.id }, 30, 'own');
  await inEffect(page, { groupId: inherits.id }, 7, 'org');
  await shot(page, 'attachment-retention');

  // After a reload the screen shows what was saved, and so does the API.
  await page.reload();
  await openCard(page);
  await inEffect(page, 'org', 7, 'own');
  await inEffect(page, { groupId: other.id }, 30, 'own');
  await inEffect(page, { groupId: inherits.id }, 7, 'org');
  expect(await orgBox.inputValue()).toBe('7');
  expect(await row(page, { groupId: other.id }).getByTestId('retention-days').inputValue()).toBe('30');
  expect(await row(page, { groupId: inherits.id }).getByTestId('retention-days').inputValue()).toBe('');
  const after = (await (await page.request.get(`${server.url}/api/admin/attachment-retention`)).json()) as RetentionApi;
  expect(after.orgDays).toBe(7);
  expect(Object.fromEntries(after.groups.map((g) => [g.id, g.days]))).toEqual(
    Object.fromEntries(before.groups.map((g) => [g.id, g.id === other.id ? 30 : null])),
  );

  // The clean-up removes the 10-day-old attachment (past the organisation's 7 days) and the
  // upload never sent; the attachment's link then answers ATTACHMENT_EXPIRED.
  await page.getByTestId('retention-run').click();
  const result = page.locator('[data-testid=retention-run-result][data-expired="1"][data-orphans="1"]');
  await result.waitFor();
  expect(await result.textContent()).toContain('1 expired attachments and 1 unsent uploads removed');
  const gone = await fetch(`${server.url}${files.sent.url}`);
  expect(gone.status).toBe(410);
  expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('ATTACHMENT_EXPIRED');
  await shot(page, 'attachment-retention-run');

  // A second run finds nothing left.
  await page.getByTestId('retention-run').click();
  await page.locator('[data-testid=retention-run-result][data-expired="0"][data-orphans="0"]').waitFor();
  expect(await page.getByTestId('retention-run-result').textContent()).toContain('nothing was due');

  // Emptying the group's box and saving gives it back the organisation's days.
  await row(page, { groupId: other.id }).getByTestId('retention-days').fill('');
  await save(page, { groupId: other.id });
  await inEffect(page, { groupId: other.id }, 7, 'org');
  await waitFor(
    'the group override cleared in the API',
    async () => ((await (await page.request.get(`${server.url}/api/admin/attachment-retention`)).json()) as RetentionApi).groups,
    (groups) => groups.find((g) => g.id === other.id)?.days === null,
  );

  // The same card in Traditional Chinese.
  if (SHOTS) {
    await page.evaluate(() => localStorage.setItem('vv.workspace.lang', 'zh-TW'));
    await page.reload();
    await openCard(page);
    await shot(page, 'attachment-retention-zh-TW');
  }

  expect(admin.errors).toEqual([]);
});

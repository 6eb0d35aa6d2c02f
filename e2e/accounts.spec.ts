// Production bootstrap on an empty database, in the browser: `visavis init` prints a one-time
// link, the admin sets a password there and signs in, turns on two-factor sign-in, invites an
// agent who sets a password and signs in; deactivating the agent sends their open workspace back
// to the sign-in page at once. ACCOUNT_SHOTS=<dir> keeps screenshots of the new screens.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import jsQR from 'jsqr';
import { base32Decode, totpAt } from '../apps/server/src/identity/totp.js';
import { launchBrowser } from './harness/browser.js';
import { REPO_ROOT, startServer, type RunningServer } from './harness/server.js';
import { WORKSPACE_SIZE, waitFor } from './harness/chat.js';

const ADMIN = 'boss@acme-bank.test';
const AGENT = 'li.lei@acme-bank.test';
const SHOTS = process.env.ACCOUNT_SHOTS;

let dataDir: string;
let server: RunningServer | undefined;
let browser: Browser | undefined;
const pages: Page[] = [];
const pageErrors: string[] = [];

/** The CLI on this test's embedded database, whatever DATABASE_URL the test run has. */
function embeddedEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _unused, ...rest } = process.env;
  return { ...rest, DATA_DIR: dataDir };
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args],
      { cwd: REPO_ROOT, timeout: 60_000, env: embeddedEnv() },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Decodes the QR code's SVG path (one unit square per dark module) the way a camera would see it. */
function decodeQrPath(d: string, extent: number): string | null {
  const scale = 4;
  const side = extent * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [, x, y] of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py++) {
      for (let px = Number(x) * scale; px < (Number(x) + 1) * scale; px++) rgba.fill(0, (py * side + px) * 4, (py * side + px) * 4 + 3);
    }
  }
  return jsQR(rgba, side, side)?.data ?? null;
}

async function newPage(): Promise<Page> {
  const context = await browser!.newContext(WORKSPACE_SIZE);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  pages.push(page);
  return page;
}

const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};

/** The printed link points at PUBLIC_URL (unset here: the default address); the token is what matters. */
const localLink = (printed: string) => `${server!.url}/app/#/set-password?token=${new URL(printed).hash.split('token=')[1]}`;

async function setPassword(page: Page, link: string, password: string, shotName?: string) {
  await page.goto(link);
  await page.getByTestId('set-password-account').waitFor();
  await page.getByTestId('set-password-new').fill('short');
  await page.getByTestId('set-password-repeat').fill('short');
  await page.getByTestId('set-password-submit').click();
  await page.getByTestId('set-password-error').waitFor();
  await page.getByTestId('set-password-new').fill(password);
  await page.getByTestId('set-password-repeat').fill(password);
  if (shotName) await shot(page, shotName);
  await page.getByTestId('set-password-submit').click();
  await page.getByTestId('set-password-done').waitFor();
  await page.getByTestId('set-password-to-login').click();
  await page.getByTestId('login-email').waitFor();
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

const connected = (page: Page) => page.locator('[data-testid=connection-status][data-status=open]').waitFor();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'visavis-e2e-accounts-'));
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.context().close().catch(() => {});
  await browser?.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test('init → set password → sign in (with two-factor) → invite → the agent signs in; deactivation closes their workspace at once', async () => {
  const init = await cli('init', '--org', 'Acme Bank 艾克米银行', '--admin', ADMIN, '--name', 'Boss 老板');
  expect(init.code, init.stderr).toBe(0);
  const printed = init.stdout.split('\n').map((l) => l.trim()).find((l) => l.includes('/app/#/set-password?token='));
  expect(printed, init.stdout).toBeTruthy();

  server = await startServer({ dataDir, env: { VISAVIS_PRODUCTION: 'true' } });
  const demo = await fetch(`${server.url}/api/visitor/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: 'demo-bank' }),
  });
  expect(demo.status, 'production never seeds the demo organisation').toBe(404);

  // The admin: set the password from the printed link, sign in.
  const admin = await newPage();
  await setPassword(admin, localLink(printed!), 'correct horse battery staple', 'set-password');
  await signIn(admin, ADMIN, 'correct horse battery staple');
  await connected(admin);

  // Two-factor sign-in from the user menu.
  await admin.getByTestId('account-menu').click();
  await admin.getByTestId('account-menu-totp').click();
  await admin.getByTestId('totp-start').click();
  const secret = (await admin.getByTestId('totp-secret').textContent())!;
  // The QR code an authenticator app scans carries exactly the set-up link.
  const qr = admin.getByTestId('totp-qr');
  const scanned = decodeQrPath((await qr.locator('path').getAttribute('d'))!, Number((await qr.getAttribute('viewBox'))!.split(' ')[2]));
  expect(scanned).toBe(await admin.getByTestId('totp-uri').getAttribute('href'));
  expect(scanned).toContain(`secret=${secret.replace(/ /g, '')}`);
  await shot(admin, 'two-factor-setup');
  const key = base32Decode(secret)!;
  await admin.getByTestId('totp-code').fill(totpAt(key, Date.now()));
  await admin.getByTestId('totp-submit').click();
  await admin.locator('[data-testid=totp-panel][data-enabled=true]').waitFor();
  await admin.getByTestId('account-tab-sessions').click();
  await admin.getByTestId('session-row').first().waitFor();
  await shot(admin, 'account-sessions');
  await admin.getByTestId('account-close').click();

  // A second browser signs in as the admin: the code is asked for after the password.
  const again = await newPage();
  await again.goto(`${server.url}/app/`);
  await signIn(again, ADMIN, 'correct horse battery staple');
  await again.getByTestId('login-totp').waitFor();
  await shot(again, 'login-two-factor');
  // The next step's code: the one just used to turn it on cannot be used again.
  await again.getByTestId('login-totp').fill(totpAt(key, Date.now() + 30_000));
  await again.getByTestId('login-submit').click();
  await connected(again);

  // Invite an agent.
  await admin.getByTestId('nav-admin').click();
  await admin.getByTestId('admin-tab-agents').click();
  const form = admin.getByTestId('invite-agent');
  await form.getByTestId('invite-email').fill(AGENT);
  await form.getByTestId('invite-name').fill('Li Lei 李雷');
  await form.getByTestId('invite-submit').click();
  const agentLink = (await admin.getByTestId('one-time-link-url').textContent())!;
  await admin.locator('[data-testid=account-row]', { hasText: 'Li Lei 李雷' }).waitFor();
  await shot(admin, 'admin-accounts');

  // The agent sets a password and signs in.
  const agent = await newPage();
  await setPassword(agent, localLink(agentLink), 'li lei has a long password');
  await signIn(agent, AGENT, 'li lei has a long password');
  await connected(agent);
  await agent.getByTestId('presence-select').selectOption('online');

  // Deactivated: the agent's open workspace goes to the sign-in page without a reload.
  const row = admin.locator(`[data-testid=account-row][data-email="${AGENT}"]`);
  await row.getByTestId('account-deactivate').click();
  await admin.getByTestId('confirm-close').click();
  const started = Date.now();
  await agent.getByTestId('login-email').waitFor({ timeout: 5_000 });
  const tookMs = Date.now() - started;
  console.log(`deactivation → the agent's workspace at the sign-in page after ${tookMs} ms`);
  await admin.locator(`[data-testid=account-row][data-email="${AGENT}"][data-active=false]`).waitFor();
  await shot(admin, 'admin-accounts-deactivated');

  await signIn(agent, AGENT, 'li lei has a long password');
  await agent.getByTestId('login-error').waitFor();
  await waitFor('deactivated message', () => agent.getByTestId('login-error').textContent(), (t) => /deactivated/i.test(t ?? ''));
  expect(pageErrors).toEqual([]);
});

// Helpers for the routing e2e tests and screenshots: the admin API (to set capacity, auto-accept,
// VIP, routing config), agents signed in without going online, visitors on H5 links with routing
// hints, and reading the widget's queue line.
import type { Browser, BrowserContextOptions } from 'playwright-core';
import {
  DEMO_PASSWORD,
  SITE_KEY,
  WAIT_MS,
  WORKSPACE_SIZE,
  waitConnected,
  waitFor,
  type Scope,
  type Side,
} from './chat.js';

export const ADMIN = 'admin@demo.visavis.local';
export const SUPERVISOR = 'supervisor@demo.visavis.local';

export interface AdminApi {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A plain GET with the admin's session (e.g. a signed media link); the Response as it comes. */
  fetch(pathOrUrl: string): Promise<Response>;
  /** Agent ids by email. */
  ids: Record<string, string>;
}

/**
 * Signs the admin in over HTTP (cookie kept here) for setting up routing scenarios. `password`:
 * the benchmarks seed the demo organisation with their own.
 */
export async function adminApi(baseUrl: string, email = ADMIN, password = DEMO_PASSWORD): Promise<AdminApi> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`admin login failed: HTTP ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(baseUrl + path, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const { agents } = await call<{ agents: { id: string; email: string }[] }>('GET', '/api/supervisor/agents');
  const get = (pathOrUrl: string) => fetch(new URL(pathOrUrl, baseUrl), { headers: { cookie } });
  return { call, fetch: get, ids: Object.fromEntries(agents.map((a) => [a.email, a.id])) };
}

export async function setAgentRouting(
  admin: AdminApi,
  email: string,
  patch: { capacity?: number; autoAccept?: boolean; groupIds?: string[] },
): Promise<void> {
  await admin.call('PUT', `/api/admin/agents/${admin.ids[email]}/routing`, patch);
}

/** An agent's load as the server counts it (units of capacity in use). */
export async function agentLoad(admin: AdminApi, email: string): Promise<number> {
  const { agents } = await admin.call<{ agents: { id: string; load: number }[] }>(
    'GET',
    '/api/supervisor/agents',
  );
  return agents.find((a) => a.id === admin.ids[email])?.load ?? -1;
}

/**
 * Signs into the workspace without changing presence (a supervisor or admin who only watches
 * stays offline, so routing gives them nothing).
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  options: BrowserContextOptions = WORKSPACE_SIZE,
): Promise<Side> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  await page.goto(`${baseUrl}/app/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await waitConnected(page);
  return { context, page, scope: page, errors };
}

/** The full-page (H5) chat with extra query parameters (agent, entryPoint, identity…). */
export async function openH5With(
  browser: Browser,
  baseUrl: string,
  options: BrowserContextOptions,
  params: Record<string, string> = {},
): Promise<Side> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  const q = new URLSearchParams({ siteKey: SITE_KEY, lang: 'en', ...params });
  await page.goto(`${baseUrl}/w/?${q.toString()}`);
  await waitConnected(page);
  return { context, page, scope: page, errors };
}

/** The visitor id inside the chat app's access token (`v.<base64url {org, vis, sid, exp}>.<sig>`). */
export async function visitorIdOf(scope: Scope): Promise<string> {
  const token = await waitFor(
    'the chat app to store its visitor token',
    () => scope.evaluate(() => ((window as unknown as { __visavisChat?: { accessToken: () => string | null } }).__visavisChat?.accessToken() ?? null)),
    (v) => typeof v === 'string' && v.startsWith('v.'),
  );
  const payload = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString('utf8')) as {
    vis: string;
  };
  return payload.vis;
}

export interface QueueLine {
  shown: boolean;
  position: string;
  closed: string;
  text: string;
}

/** The widget's queue line: whether it shows, the position it says, and its text. */
export function queueLine(scope: Scope): Promise<QueueLine> {
  return scope.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid=queue-state]');
    return {
      shown: Boolean(el && !el.hidden),
      position: el?.dataset.position ?? '',
      closed: el?.dataset.closed ?? '',
      text: el?.textContent ?? '',
    };
  });
}

/** Waits until the visitor's widget says they are number `n` in line (text and attribute). */
export async function expectPosition(scope: Scope, n: number, timeout = WAIT_MS): Promise<QueueLine> {
  return waitFor(
    `the widget to say "number ${n} in line"`,
    () => queueLine(scope),
    (q) => q.shown && q.position === String(n) && q.text.includes(`number ${n} in line`),
    timeout,
  );
}

/**
 * Starts recording every position the widget's queue line shows, so a test can check the whole
 * sequence (3 → 2 → 1) and not only where it ended. Read it with `recordedPositions`.
 */
export async function recordPositions(scope: Scope): Promise<void> {
  await scope.evaluate(() => {
    const w = window as { __positions?: string[] };
    w.__positions = [];
    const note = () => {
      const el = document.querySelector<HTMLElement>('[data-testid=queue-state]');
      const p = el && !el.hidden ? (el.dataset.position ?? '') : '';
      if (p && w.__positions!.at(-1) !== p) w.__positions!.push(p);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, attributes: true, childList: true });
  });
}

export function recordedPositions(scope: Scope): Promise<string[]> {
  return scope.evaluate(() => (window as { __positions?: string[] }).__positions ?? []);
}

/** Ids of the conversations in an agent's live list. */
export function liveConversationIds(scope: Scope): Promise<string[]> {
  return scope.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('[data-testid=conversation-item]')).map(
      (n) => n.dataset.conversationId ?? '',
    ),
  );
}

/**
 * The widget on the demo page, told its routing hints through the host-page API before it opens:
 * `Visavis('routing', { entryPoint, agent })`.
 */
export async function openWidgetRouted(
  browser: Browser,
  baseUrl: string,
  options: BrowserContextOptions,
  routing: { entryPoint?: string; agent?: string },
): Promise<Side> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  await page.goto(`${baseUrl}/demo`);
  await page.waitForFunction(() => (window as { Visavis?: { loaded?: boolean } }).Visavis?.loaded === true);
  await page.evaluate(
    (r) => (window as unknown as { Visavis: (...a: unknown[]) => void }).Visavis('routing', r),
    routing,
  );
  await page.getByTestId('launcher').click();
  const handle = await page.getByTestId('chat-frame').elementHandle({ timeout: WAIT_MS });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the widget iframe has no frame');
  await waitConnected(frame);
  return { context, page, scope: frame, errors };
}

// Drives the two real UIs for e2e tests and screenshots: the agent workspace (/app/) and the
// visitor chat, either in the widget's iframe on the demo page (/demo) or full page (H5, /w/).
// Both UIs mark messages with data-testid="message" and data-author, their text with
// data-testid="message-text", and share the composer test ids (chat-input, send-button, file-input).
import { isDeepStrictEqual } from 'node:util';
import type { Browser, BrowserContext, BrowserContextOptions, Frame, Page } from 'playwright-core';
import type { UploadFile } from './png.js';

export const DEMO_PASSWORD = 'visavis-demo';
export const AGENT1 = 'agent1@demo.visavis.local';
export const AGENT2 = 'agent2@demo.visavis.local';
export const SITE_KEY = 'demo-bank';

/** Generous enough for a server restart plus the client's reconnect back-off. */
export const WAIT_MS = 30_000;

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const WORKSPACE_SIZE: BrowserContextOptions = { viewport: { width: 1440, height: 900 } };
export const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  userAgent: PHONE_UA,
};

/**
 * Calls `read` until `ok` accepts its value; on timeout throws with the last value seen. (Not
 * vitest's expect.poll: the screenshot script uses these helpers outside a test.)
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeout = WAIT_MS,
  interval = 100,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  let failure: unknown;
  for (;;) {
    try {
      last = await read();
      failure = undefined;
      if (ok(last)) return last;
    } catch (e) {
      failure = e;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  const seen = failure
    ? `error: ${failure instanceof Error ? failure.message : String(failure)}`
    : JSON.stringify(last, null, 2);
  throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${seen}`);
}

/** Where a chat UI lives: the top page (workspace, H5) or the widget's iframe. */
export type Scope = Page | Frame;

export interface Side {
  context: BrowserContext;
  /** The top-level page (the demo page for the widget). */
  page: Page;
  /** The document holding the chat UI. */
  scope: Scope;
  /** Uncaught exceptions of the page and its frames; tests assert this stays empty. */
  errors: string[];
}

/** Runs on a fresh browser context before its first page opens (init scripts, permissions). */
export type PrepareContext = (context: BrowserContext) => Promise<void>;

async function newSide(browser: Browser, options: BrowserContextOptions, prepare?: PrepareContext): Promise<Omit<Side, 'scope'>> {
  const context = await browser.newContext(options);
  const errors: string[] = [];
  // Content-Security-Policy violations (in any frame) count as errors too: a UI that needs
  // something its policy forbids is broken for real users even when no exception is thrown.
  await context.exposeBinding('__vvCspViolation', (_source, text: string) => void errors.push(`CSP violation: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __vvCspViolation?: (t: string) => void }).__vvCspViolation;
      report?.(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${e.documentURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  await prepare?.(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  return { context, page, errors };
}

/** Logs an agent into the workspace, sets presence online and waits for the live socket. */
export async function loginAgent(
  browser: Browser,
  baseUrl: string,
  opts: { email?: string; options?: BrowserContextOptions; prepare?: PrepareContext } = {},
): Promise<Side> {
  const side = await newSide(browser, opts.options ?? WORKSPACE_SIZE, opts.prepare);
  const { page } = side;
  await page.goto(`${baseUrl}/app/`);
  await page.getByTestId('login-email').fill(opts.email ?? AGENT1);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  const presence = page.getByTestId('presence-select');
  await presence.selectOption('online');
  await waitFor(
    'presence online',
    () => presence.inputValue(),
    (v) => v === 'online',
  );
  await waitConnected(page);
  return { ...side, scope: page };
}

/** Opens the demo page, clicks the launcher and waits until the chat in the iframe is usable. */
export async function openWidget(
  browser: Browser,
  baseUrl: string,
  options: BrowserContextOptions,
  prepare?: PrepareContext,
): Promise<Side> {
  const side = await newSide(browser, options, prepare);
  return { ...side, scope: await showWidget(side.page, baseUrl) };
}

/** (Re)loads the demo page in `page` and opens the widget; answers the chat's frame. */
export async function showWidget(page: Page, baseUrl: string): Promise<Frame> {
  await page.goto(`${baseUrl}/demo`);
  // The launcher lives in an open shadow root; Playwright's locators pierce it.
  await page.getByTestId('launcher').click();
  const handle = await page.getByTestId('chat-frame').elementHandle({ timeout: WAIT_MS });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the widget iframe has no frame');
  // Opened, and done with its opening transition (fade and slide in).
  await waitFor(
    'the chat panel to open',
    () =>
      page.getByTestId('chat-panel').evaluate((panel) => {
        const style = getComputedStyle(panel);
        return style.visibility === 'visible' && style.opacity === '1' && style.transform === 'none';
      }),
    Boolean,
  );
  await waitConnected(frame);
  return frame;
}

/** The full-page (H5) chat at /w/. */
export async function openH5(
  browser: Browser,
  baseUrl: string,
  options: BrowserContextOptions,
  lang = 'en',
): Promise<Side> {
  const side = await newSide(browser, options);
  await side.page.goto(`${baseUrl}/w/?siteKey=${SITE_KEY}&lang=${lang}`);
  await waitConnected(side.page);
  return { ...side, scope: side.page };
}

/** The realtime connection is up and the composer is enabled (widget, H5 or workspace). */
export async function waitConnected(scope: Scope): Promise<void> {
  await scope.waitForFunction(
    () => {
      const ws = document.querySelector('[data-testid=connection-status][data-status=open]');
      const widget = document.querySelector('[data-testid=connection-status] .vv-dot[data-state=open]');
      const input = document.querySelector<HTMLTextAreaElement>('[data-testid=chat-input]');
      // The workspace has no composer until a conversation is open.
      return Boolean(ws || (widget && input && !input.disabled));
    },
    undefined,
    { timeout: WAIT_MS },
  );
}

/** The realtime connection is down and the UI says so (after a drop or while the server is gone). */
export async function waitDisconnected(scope: Scope): Promise<void> {
  await scope.waitForFunction(
    () =>
      document.querySelector('[data-testid=connection-status][data-status=reconnecting]') ||
      document.querySelector('[data-testid=connection-status] .vv-dot[data-state=reconnecting]'),
    undefined,
    { timeout: WAIT_MS },
  );
}

/**
 * Drops the UI's socket through its test hook, as a network blip would: the workspace's
 * `__visavisWorkspace` or the chat app's `__visavisChat`. Answers once the UI has shown that it
 * is reconnecting (observed from before the drop, as the reconnect itself can be quick).
 */
export async function dropConnection(scope: Scope): Promise<void> {
  await scope.evaluate(() => {
    type Hooks = {
      __visavisWorkspace?: { dropConnection(): void };
      __visavisChat?: { dropConnection(): void };
      __sawReconnecting?: boolean;
    };
    const w = window as Hooks;
    const hook = w.__visavisWorkspace ?? w.__visavisChat;
    if (!hook) throw new Error('no dropConnection test hook on this page');
    w.__sawReconnecting = false;
    const seen = () =>
      document.querySelector('[data-testid=reconnecting-banner]') ||
      document.querySelector('[data-testid=status-banner][data-state=reconnecting]:not([hidden])');
    const observer = new MutationObserver(() => {
      if (seen()) {
        w.__sawReconnecting = true;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    hook.dropConnection();
  });
  await waitFor(
    'the UI to show it is reconnecting',
    () => scope.evaluate(() => (window as { __sawReconnecting?: boolean }).__sawReconnecting),
    Boolean,
  );
}

export async function sendText(scope: Scope, text: string): Promise<void> {
  const input = scope.getByTestId('chat-input');
  await input.fill(text);
  await scope.getByTestId('send-button').click();
  // The composer empties once the message is taken (shown as pending).
  await waitFor(
    'the composer to empty',
    () => input.inputValue(),
    (v) => v === '',
  );
}

export async function sendFile(scope: Scope, file: UploadFile): Promise<void> {
  await scope.getByTestId('file-input').setInputFiles(file);
}

/**
 * The conversation as shown: one entry per message (system notices left out), in DOM order,
 * as "author: text", with "[image]" for a picture and " (pending)" / " (failed)" while unconfirmed.
 */
export function transcript(scope: Scope): Promise<string[]> {
  return scope.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('[data-testid=message]'))
      .filter((n) => n.dataset.author !== 'system')
      .map((n) => {
        const text = n.querySelector('[data-testid=message-text]')?.textContent ?? '';
        const image = n.querySelector('img') ? '[image]' : '';
        const state =
          n.dataset.pending === 'true' || n.dataset.state === 'pending'
            ? ' (pending)'
            : n.dataset.state === 'failed'
              ? ' (failed)'
              : '';
        return `${n.dataset.author}: ${[image, text].filter(Boolean).join(' ')}${state}`;
      }),
  );
}

/** Waits until the shown conversation is exactly `expected` (all confirmed, nothing extra). */
export async function expectTranscript(scope: Scope, expected: string[], timeout = WAIT_MS): Promise<void> {
  await waitFor(
    `the transcript ${JSON.stringify(expected, null, 2)}`,
    () => transcript(scope),
    (t) => isDeepStrictEqual(t, expected),
    timeout,
  );
}

/** Whether the last message is fully inside the scrolling message list (role=log). */
export function newestMessageInView(scope: Scope): Promise<boolean> {
  return scope.evaluate(() => {
    const log = document.querySelector('[role=log]');
    const last = Array.from(document.querySelectorAll('[data-testid=message]')).at(-1);
    if (!log || !last) return false;
    const box = log.getBoundingClientRect();
    const item = last.getBoundingClientRect();
    return item.top >= box.top - 1 && item.bottom <= box.bottom + 1;
  });
}

export interface ShownImage {
  src: string;
  naturalWidth: number;
}

/** Every picture in the message list, once each has finished loading (or failed). */
export async function loadedImages(scope: Scope): Promise<ShownImage[]> {
  await scope.locator('[data-testid=message] img').last().scrollIntoViewIfNeeded();
  await scope.waitForFunction(
    () =>
      Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid=message] img')).every(
        (img) => img.complete,
      ),
    undefined,
    { timeout: WAIT_MS },
  );
  return scope.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid=message] img')).map((img) => ({
      src: img.currentSrc || img.src,
      naturalWidth: img.naturalWidth,
    })),
  );
}

/** Waits until `count` pictures are shown, each served by the server (a signed blob URL) and decoded. */
export async function expectImagesRendered(scope: Scope, count: number): Promise<void> {
  await waitFor(
    `${count} decoded pictures from /api/blobs/`,
    () => loadedImages(scope),
    (images) =>
      images.length === count && images.every((i) => i.src.includes('/api/blobs/') && i.naturalWidth > 0),
  );
}

/** The visitor's live conversation id, asked from the server with the chat app's access token. */
export function visitorConversationId(scope: Scope): Promise<string> {
  return scope.evaluate(async () => {
    const token = ((window as unknown as { __visavisChat?: { accessToken: () => string | null } }).__visavisChat?.accessToken() ?? null);
    const res = await fetch('/api/visitor/conversations', { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { conversations: { id: string; status: string }[] };
    const live = body.conversations.find((c) => c.status !== 'closed');
    if (!live) throw new Error(`no live conversation (HTTP ${res.status})`);
    return live.id;
  });
}

/** In the workspace: waits for the conversation to appear in the live list and opens it. */
export async function openConversation(agent: Page, conversationId: string): Promise<void> {
  const item = agent.locator(`[data-testid=conversation-item][data-conversation-id="${conversationId}"]`);
  await item.click({ timeout: WAIT_MS });
  await waitFor(
    'the conversation to be selected',
    () => item.getAttribute('aria-current'),
    (v) => v === 'true',
  );
  await agent.getByTestId('chat-input').waitFor({ timeout: WAIT_MS });
}

/** Visitor sends the first message; the (online) agent gets the conversation and opens it. */
export async function startConversation(visitor: Side, agent: Side, firstText: string): Promise<string> {
  await sendText(visitor.scope, firstText);
  await expectTranscript(visitor.scope, [`visitor: ${firstText}`]);
  const id = await visitorConversationId(visitor.scope);
  await openConversation(agent.page, id);
  return id;
}

export async function closeSide(side: Side | undefined): Promise<void> {
  await side?.context.close();
}

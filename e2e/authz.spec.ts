// One visitor's token cannot read or write another visitor's conversation, over HTTP or over
// the WebSocket. The requests are made from inside visitor B's real page with the access token its
// chat app holds, as a curious visitor with the browser's devtools would.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';
import {
  DESKTOP,
  PHONE,
  closeSide,
  expectTranscript,
  openH5,
  openWidget,
  sendText,
  visitorConversationId,
  type Side,
} from './harness/chat.js';
import { gradientPng } from './harness/png.js';

let server: RunningServer;
let browser: Browser;
let alice: Side | undefined;
let bob: Side | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await closeSide(alice);
  await closeSide(bob);
  await browser?.close();
  await server?.stop();
});

const SECRET = 'alice: my account number is 12345678';

interface HttpAnswer {
  status: number;
  body: string;
}

/** Errors a stranger may get: the conversation is hidden (404) or refused (401/403). */
const DENIED_STATUS = [401, 403, 404];
const DENIED_CODES = ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'];

test("a visitor token cannot read or write another visitor's conversation", async () => {
  alice = await openWidget(browser, server.url, DESKTOP);
  bob = await openH5(browser, server.url, PHONE);
  await sendText(alice.scope, SECRET);
  await expectTranscript(alice.scope, [`visitor: ${SECRET}`]);
  await sendText(bob.scope, 'bob: hello');
  await expectTranscript(bob.scope, ['visitor: bob: hello']);
  const aliceConv = await visitorConversationId(alice.scope);
  const bobConv = await visitorConversationId(bob.scope);
  expect(aliceConv).not.toBe(bobConv);

  // ---- HTTP, with Bob's token, from Bob's page -----------------------------------------------
  const http = await bob.page.evaluate(
    async ({ victim, own, png }) => {
      const token = ((window as unknown as { __visavisChat?: { accessToken: () => string | null } }).__visavisChat?.accessToken() ?? '');
      const auth = { authorization: `Bearer ${token}` };
      const call = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(path, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
        return { status: res.status, body: await res.text() };
      };
      const upload = () => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'probe.png');
        return call(`/api/uploads?conversationId=${victim}`, { method: 'POST', body: form });
      };
      return {
        hasToken: token.length > 0,
        events: await call(`/api/conversations/${victim}/events?afterSeq=0`),
        eventsLater: await call(`/api/conversations/${victim}/events?afterSeq=1&limit=10`),
        details: await call(`/api/conversations/${victim}`),
        upload: await upload(),
        mine: await call('/api/visitor/conversations'),
        ownEvents: await call(`/api/conversations/${own}/events?afterSeq=0`),
      };
    },
    {
      victim: aliceConv,
      own: bobConv,
      png: Array.from(gradientPng(8, 8, [0, 0, 0], [255, 255, 255])),
    },
  );
  expect(http.hasToken).toBe(true);
  const denied = (a: HttpAnswer) => {
    expect(DENIED_STATUS).toContain(a.status);
    expect(DENIED_CODES).toContain((JSON.parse(a.body) as { error: { code: string } }).error.code);
    expect(a.body).not.toContain('12345678');
  };
  denied(http.events);
  denied(http.eventsLater);
  denied(http.details);
  denied(http.upload);
  // Bob's own data is there (the token works), and lists only his conversation.
  expect(http.ownEvents.status).toBe(200);
  expect(http.ownEvents.body).toContain('bob: hello');
  expect(http.mine.status).toBe(200);
  expect(http.mine.body).toContain(bobConv);
  expect(http.mine.body).not.toContain(aliceConv);

  // ---- WebSocket, authenticated with Bob's token -----------------------------------------------
  const ws = await bob.page.evaluate(
    async ({ victim, own }) => {
      const token = ((window as unknown as { __visavisChat?: { accessToken: () => string | null } }).__visavisChat?.accessToken() ?? '');
      const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
      const frames: { type: string; rid?: string; code?: string; conversationId?: string }[] = [];
      const waiting = new Map<string, (f: (typeof frames)[number]) => void>();
      let onReady: () => void = () => {};
      const ready = new Promise<void>((resolve) => (onReady = resolve));
      socket.onmessage = (e) => {
        const f = JSON.parse(String(e.data)) as (typeof frames)[number];
        frames.push(f);
        if (f.type === 'ready') onReady();
        if (f.rid) waiting.get(f.rid)?.(f);
      };
      socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token }));
      await ready;
      let n = 0;
      const ask = (cmd: Record<string, unknown>) =>
        new Promise<(typeof frames)[number]>((resolve) => {
          const rid = `q${++n}`;
          waiting.set(rid, resolve);
          setTimeout(() => resolve({ type: 'no answer in 10 s', rid }), 10_000);
          socket.send(JSON.stringify({ ...cmd, rid }));
        });
      const answers = {
        subscribe: await ask({ type: 'conversation.subscribe', conversationId: victim, afterSeq: 0 }),
        send: await ask({
          type: 'message.send',
          conversationId: victim,
          clientMsgId: 'bobwashere0001',
          text: 'bob was here',
        }),
        typing: await ask({ type: 'typing.set', conversationId: victim, typing: true }),
        receipt: await ask({ type: 'receipt.mark', conversationId: victim, state: 'read', upToSeq: 1 }),
        close: await ask({ type: 'conversation.close', conversationId: victim }),
        // A control: Bob's own conversation streams its history to him.
        own: await ask({ type: 'conversation.subscribe', conversationId: own, afterSeq: 0 }),
      };
      const deadline = Date.now() + 10_000;
      await new Promise<void>((resolve) => {
        const check = () =>
          frames.some((f) => f.type === 'conversation.event' && f.conversationId === own) ||
          Date.now() > deadline
            ? resolve()
            : setTimeout(check, 50);
        check();
      });
      // A ping's answer comes after anything the server still had queued for this socket.
      await ask({ type: 'ping' });
      socket.close();
      return { answers, frames, raw: JSON.stringify(frames) };
    },
    { victim: aliceConv, own: bobConv },
  );
  for (const name of ['subscribe', 'send', 'typing', 'receipt', 'close'] as const) {
    const answer = ws.answers[name];
    expect(answer.type, `${name}: ${JSON.stringify(answer)}`).toBe('error');
    expect(DENIED_CODES, name).toContain(answer.code);
  }
  expect(ws.answers.own.type).toBe('ack');
  expect(ws.frames.some((f) => f.type === 'conversation.event' && f.conversationId === bobConv)).toBe(true);
  expect(ws.frames.filter((f) => f.conversationId === aliceConv)).toEqual([]);
  expect(ws.raw).not.toContain('12345678');

  // Alice's conversation is untouched: nothing from Bob arrived, and it is still open.
  await sendText(alice.scope, 'alice: still here');
  await expectTranscript(alice.scope, [`visitor: ${SECRET}`, 'visitor: alice: still here']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

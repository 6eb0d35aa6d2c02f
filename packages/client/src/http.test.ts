import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VisavisError } from './errors.js';
import { requestJson } from './http.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that records its calls and answers with `respond`. */
function fakeFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return respond(call);
  }) as unknown as typeof fetch;
  return { impl, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function failureOf(p: Promise<unknown>): Promise<VisavisError> {
  const e = await p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VisavisError);
  return e as VisavisError;
}

describe('requestJson: success', () => {
  it('sends JSON with a bearer token and answers the parsed body', async () => {
    const f = fakeFetch(() => json(200, { ok: 1 }));
    const res = await requestJson(
      { baseUrl: 'https://s.example', token: 'tok', fetchImpl: f.impl },
      'POST',
      '/api/x',
      { a: 1 },
    );
    expect(res).toEqual({ ok: 1 });
    const { url, init } = f.calls[0]!;
    expect(url).toBe('https://s.example/api/x');
    expect(init).toMatchObject({ method: 'POST', body: '{"a":1}', credentials: 'include' });
    expect(init.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer tok' });
  });

  it('sends FormData as is (the browser sets the multipart boundary) and no body for GET', async () => {
    const f = fakeFetch(() => json(200, {}));
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    await requestJson({ baseUrl: '', fetchImpl: f.impl }, 'POST', '/api/uploads', form);
    await requestJson({ baseUrl: '', fetchImpl: f.impl }, 'GET', '/api/me');
    expect(f.calls[0]!.init.body).toBe(form);
    expect(f.calls[0]!.init.headers).toEqual({});
    expect(f.calls[1]!.init.body).toBeUndefined();
  });

  it('answers undefined for an empty body (204)', async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }));
    await expect(
      requestJson({ baseUrl: '', fetchImpl: f.impl }, 'POST', '/api/auth/logout'),
    ).resolves.toBeUndefined();
  });

  it('passes no signal when neither a timeout nor a signal is asked for', async () => {
    const f = fakeFetch(() => json(200, {}));
    await requestJson({ baseUrl: '', fetchImpl: f.impl }, 'GET', '/');
    expect(f.calls[0]!.init.signal).toBeUndefined();
  });
});

describe('requestJson: error mapping', () => {
  it('uses the catalog code and message of the error body, with the HTTP status', async () => {
    const f = fakeFetch(() =>
      json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong email or password.' } }),
    );
    const e = await failureOf(requestJson({ baseUrl: '', fetchImpl: f.impl }, 'POST', '/api/auth/login', {}));
    expect(e).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: 'Wrong email or password.',
      status: 401,
      name: 'VisavisError',
    });
  });

  it.each([
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'UNAVAILABLE'],
    [500, 'INTERNAL'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [429, 'RATE_LIMITED'],
    [401, 'UNAUTHENTICATED'],
    [404, 'NOT_FOUND'],
    [400, 'BAD_REQUEST'],
    [418, 'BAD_REQUEST'],
  ])('maps a non-JSON %i page (e.g. from a reverse proxy) to %s', async (status, code) => {
    const f = fakeFetch(
      () => new Response('<html><h1>nginx</h1></html>', { status, statusText: 'Proxy says no' }),
    );
    const e = await failureOf(requestJson({ baseUrl: '', fetchImpl: f.impl }, 'GET', '/api/me'));
    expect(e).toMatchObject({ code, status, message: 'Proxy says no' });
  });

  it('falls back on the status when the JSON body has no usable error', async () => {
    for (const body of [{}, { error: 'nope' }, { error: { code: 42 } }, null]) {
      const f = fakeFetch(() => json(403, body));
      const e = await failureOf(requestJson({ baseUrl: '', fetchImpl: f.impl }, 'GET', '/'));
      expect(e).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    }
  });

  it('passes through a well-formed code this SDK does not know yet (a newer server)', async () => {
    const f = fakeFetch(() => json(409, { error: { code: 'SOMETHING_NEW', message: 'New rule.' } }));
    const e = await failureOf(requestJson({ baseUrl: '', fetchImpl: f.impl }, 'GET', '/'));
    expect(e).toMatchObject({ code: 'SOMETHING_NEW', message: 'New rule.', status: 409 });
  });

  it('reports a 200 with a non-JSON body (e.g. an HTML fallback page) as INTERNAL', async () => {
    const f = fakeFetch(() => new Response('<!doctype html><title>app</title>', { status: 200 }));
    const e = await failureOf(requestJson({ baseUrl: '', fetchImpl: f.impl }, 'GET', '/api/me'));
    expect(e).toMatchObject({ code: 'INTERNAL', status: 200 });
  });

  it('turns a failed fetch into NETWORK with the cause message', async () => {
    const f = fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const e = await failureOf(requestJson({ baseUrl: '', fetchImpl: f.impl }, 'GET', '/'));
    expect(e).toMatchObject({ code: 'NETWORK', message: 'Failed to fetch' });
    expect(e.status).toBeUndefined();
  });
});

describe('requestJson: deadlines and cancellation', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A fetch that never answers, like a dead mobile network, and ignores its signal. */
  const hanging = fakeFetch(() => new Promise<Response>(() => {}));

  it('rejects with TIMEOUT after timeoutMs, even if the fetch ignores its signal', async () => {
    vi.useFakeTimers();
    const p = failureOf(requestJson({ baseUrl: '', fetchImpl: hanging.impl, timeoutMs: 5000 }, 'GET', '/'));
    await vi.advanceTimersByTimeAsync(4999);
    expect(hanging.calls.at(-1)!.init.signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await p).code).toBe('TIMEOUT');
    expect(hanging.calls.at(-1)!.init.signal!.aborted).toBe(true);
  });

  it('lets a per-call timeout override the default', async () => {
    vi.useFakeTimers();
    const p = failureOf(
      requestJson({ baseUrl: '', fetchImpl: hanging.impl, timeoutMs: 60_000 }, 'GET', '/', undefined, {
        timeoutMs: 100,
      }),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect((await p).code).toBe('TIMEOUT');
  });

  it('clears its timer when the answer comes in time', async () => {
    vi.useFakeTimers();
    const f = fakeFetch(() => json(200, { ok: true }));
    await expect(
      requestJson({ baseUrl: '', fetchImpl: f.impl, timeoutMs: 1000 }, 'GET', '/'),
    ).resolves.toEqual({ ok: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with ABORTED when the caller's signal fires, and at once if it already has", async () => {
    const controller = new AbortController();
    const p = failureOf(
      requestJson({ baseUrl: '', fetchImpl: hanging.impl }, 'GET', '/', undefined, {
        signal: controller.signal,
      }),
    );
    controller.abort();
    expect((await p).code).toBe('ABORTED');
    const before = hanging.calls.length;
    const again = await failureOf(
      requestJson({ baseUrl: '', fetchImpl: hanging.impl }, 'GET', '/', undefined, {
        signal: controller.signal,
      }),
    );
    expect(again.code).toBe('ABORTED');
    expect(hanging.calls.length).toBe(before);
  });

  describe('with the real fetch against a server that never answers', () => {
    let server: Server;
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('aborts the HTTP request on timeout (the server sees the client go away)', async () => {
      let clientLeft!: () => void;
      const left = new Promise<void>((r) => (clientLeft = r));
      server = createServer((req) => req.socket.on('close', () => clientLeft()));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const e = await failureOf(
        requestJson({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 150 }, 'GET', '/api/me'),
      );
      expect(e.code).toBe('TIMEOUT');
      await left;
    });
  });
});

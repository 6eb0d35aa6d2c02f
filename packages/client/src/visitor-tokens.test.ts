import { describe, expect, it } from 'vitest';
import { VisitorTokenKeeper, type VisitorTokens } from './visitor-tokens.js';

/** A refresh endpoint in memory: each refresh token works once, like the server's. */
function fakeServer() {
  let n = 0;
  const live = new Set<string>(['r0']);
  const calls: string[] = [];
  const impl = (async (_url: string, init: RequestInit) => {
    const { refreshToken } = JSON.parse(String(init.body)) as { refreshToken: string };
    calls.push(refreshToken);
    if (!live.delete(refreshToken)) {
      return new Response(JSON.stringify({ error: { code: 'REFRESH_TOKEN_REUSED', message: 'reused' } }), { status: 401 });
    }
    n++;
    live.add(`r${n}`);
    const body = { visitorToken: `a${n}`, refreshToken: `r${n}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), visitorId: 'v', identified: false, orgName: 'O' };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

describe('VisitorTokenKeeper', () => {
  it('keeps a token far from expiry, renews one about to expire, and reports every new pair', async () => {
    const server = fakeServer();
    const seen: VisitorTokens[] = [];
    const keeper = new VisitorTokenKeeper({ baseUrl: 'https://s.example', fetchImpl: server.impl, onTokens: (t) => seen.push(t) });
    keeper.set({ visitorToken: 'a0', refreshToken: 'r0', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await keeper.fresh()).toBe('a0');
    expect(server.calls).toEqual([]);
    keeper.set({ visitorToken: 'a0', refreshToken: 'r0', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect(await keeper.fresh()).toBe('a1');
    expect(keeper.refreshToken).toBe('r1');
    expect(seen.map((t) => t.refreshToken)).toEqual(['r0', 'r0', 'r1']);
  });

  it('sends one renewal for concurrent callers (a second use of a refresh token would end the session)', async () => {
    const server = fakeServer();
    const keeper = new VisitorTokenKeeper({ baseUrl: 'https://s.example', fetchImpl: server.impl });
    keeper.set({ visitorToken: 'a0', refreshToken: 'r0', expiresAt: new Date(Date.now() - 1000).toISOString() });
    const tokens = await Promise.all([keeper.fresh(), keeper.fresh(), keeper.refresh().then((t) => t.visitorToken)]);
    expect(tokens).toEqual(['a1', 'a1', 'a1']);
    expect(server.calls).toEqual(['r0']);
    await expect(new VisitorTokenKeeper({ baseUrl: 'x' }).refresh()).rejects.toThrow(/no visitor session/);
  });
});

import { describe, expect, it } from 'vitest';
import { requestJson, VisavisError } from '@visavis/client';
import { withRetryAfter } from './retryAfter';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const busy = (seconds: string) => answer(429, { code: 'RATE_LIMITED', message: 'busy' }, { 'retry-after': seconds });

function scripted(...answers: Response[]) {
  const calls: string[] = [];
  const fetchImpl = (async (input: RequestInfo | URL) => {
    calls.push(String(input));
    return answers.shift()!;
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const login = (fetchImpl: typeof fetch) => requestJson<{ ok: boolean }>({ baseUrl: '', fetchImpl }, 'POST', '/api/auth/login', {});

describe('withRetryAfter', () => {
  it('comes back after each Retry-After and answers the first success', async () => {
    const { calls, fetchImpl } = scripted(busy('2'), busy('5'), answer(200, { ok: true }));
    const waits: number[] = [];
    const result = await withRetryAfter(login, { fetchImpl, sleep: async (ms) => void waits.push(ms) });
    expect(result).toEqual({ ok: true });
    expect(waits).toEqual([2000, 5000]);
    expect(calls).toHaveLength(3);
  });

  it('gives up after its tries, on a wait too long, and on any other error', async () => {
    const sleep = async () => undefined;
    const tooMany = scripted(busy('1'), busy('1'));
    await expect(withRetryAfter(login, { fetchImpl: tooMany.fetchImpl, sleep, tries: 2 })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const tooLong = scripted(busy('60'));
    await expect(withRetryAfter(login, { fetchImpl: tooLong.fetchImpl, sleep })).rejects.toBeInstanceOf(VisavisError);
    expect(tooLong.calls).toHaveLength(1);
    const wrong = scripted(answer(401, { code: 'INVALID_CREDENTIALS', message: 'no' }));
    await expect(withRetryAfter(login, { fetchImpl: wrong.fetchImpl, sleep })).rejects.toMatchObject({ status: 401 });
    expect(wrong.calls).toHaveLength(1);
  });
});

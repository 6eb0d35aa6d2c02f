import { VisavisError } from '@visavis/client';

export interface RetryAfterOptions {
  /** Tries in all, the first included. */
  tries?: number;
  /** A Retry-After longer than this is not waited for: the error goes to the user instead. */
  maxWaitMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs a request again after the server's Retry-After when it answered 429 (RATE_LIMITED): at the
 * start of a shift the server checks passwords a few at a time and tells the rest when to come
 * back, and the sign-in should then simply take a little longer, not fail. `call` gets the fetch
 * to use, which notes the header (requestJson turns the answer into a VisavisError without it).
 */
export async function withRetryAfter<T>(call: (fetchImpl: typeof fetch) => Promise<T>, opts: RetryAfterOptions = {}): Promise<T> {
  const { tries = 4, maxWaitMs = 30_000, sleep = (ms) => new Promise<void>((r) => setTimeout(r, ms)) } = opts;
  const baseFetch = opts.fetchImpl ?? ((input, init) => fetch(input, init));
  for (let attempt = 1; ; attempt++) {
    let retryAfterMs: number | null = null;
    const noting: typeof fetch = async (input, init) => {
      const res = await baseFetch(input, init);
      const seconds = Number(res.headers.get('retry-after'));
      retryAfterMs = res.status === 429 && res.headers.has('retry-after') && Number.isFinite(seconds) ? seconds * 1000 : null;
      return res;
    };
    try {
      return await call(noting);
    } catch (e) {
      const wait: number | null = retryAfterMs;
      const limited = e instanceof VisavisError && e.code === 'RATE_LIMITED';
      if (!limited || wait === null || wait > maxWaitMs || attempt >= tries) throw e;
      await sleep(wait);
    }
  }
}

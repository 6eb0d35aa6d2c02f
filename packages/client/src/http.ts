import type { ErrorBody } from '@visavis/protocol';
import { VisavisError, type VisavisErrorCode } from './errors.js';

// Types only from @visavis/protocol: the widget's bundle aliases its runtime imports to LIMITS.
const looksLikeCode = (v: unknown): v is VisavisErrorCode =>
  typeof v === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(v);

export interface HttpOptions {
  baseUrl: string;
  /** Bearer token (visitors); agents in the workspace use the session cookie instead. */
  token?: string;
  fetchImpl?: typeof fetch;
  /** Default deadline of every request made with these options, in ms (none when omitted). */
  timeoutMs?: number;
}

/** Per-call options (the fifth argument of requestJson). */
export interface RequestOptions {
  /** Cancels the request; it then rejects with a VisavisError of code ABORTED. */
  signal?: AbortSignal;
  /** Deadline for this call in ms, overriding HttpOptions.timeoutMs; rejects with code TIMEOUT. */
  timeoutMs?: number;
}

/**
 * The code for an error answer without a catalog body: a reverse proxy's HTML error page
 * (502 while the server restarts, 413 from a body size limit) or an unknown code.
 */
function codeForStatus(status: number): VisavisErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

/**
 * JSON over HTTP with the server's error bodies turned into VisavisError: the catalog code
 * and message when the body has them, otherwise a code derived from the HTTP status. Failures
 * without an answer are NETWORK, TIMEOUT (the deadline passed) or ABORTED (the caller's signal).
 */
export async function requestJson<T>(
  opts: HttpOptions,
  method: string,
  path: string,
  body?: unknown,
  init: RequestOptions = {},
): Promise<T> {
  const f = opts.fetchImpl ?? fetch;
  const headers: Record<string, string> = {};
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;

  const timeoutMs = init.timeoutMs ?? opts.timeoutMs;
  const outer = init.signal;
  const controller = timeoutMs !== undefined || outer ? new AbortController() : undefined;
  let timedOut = false;
  const timer =
    controller && timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
  const forward = () => controller?.abort();
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward);
  const failure = (e: unknown) =>
    timedOut
      ? new VisavisError('TIMEOUT', `no answer within ${timeoutMs} ms`)
      : outer?.aborted
        ? new VisavisError('ABORTED', 'request aborted')
        : new VisavisError('NETWORK', e instanceof Error ? e.message : String(e));
  // Settles on abort even when a custom fetchImpl does not honour the signal.
  const aborted = new Promise<never>((_, reject) => {
    controller?.signal.addEventListener('abort', () => reject(failure(undefined)));
  });
  aborted.catch(() => {});
  const guarded = <R>(work: () => Promise<R>): Promise<R> =>
    Promise.race([work(), aborted]).catch((e: unknown) => {
      throw e instanceof VisavisError ? e : failure(e);
    });

  try {
    if (controller?.signal.aborted) throw failure(undefined);
    const res = await guarded(() =>
      f(opts.baseUrl + path, {
        method,
        headers,
        credentials: 'include',
        body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
        ...(controller ? { signal: controller.signal } : {}),
      }),
    );
    const text = await guarded(() => res.text());
    let parsed: unknown;
    let json = true;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = false;
    }
    if (!res.ok) {
      const err = json ? (parsed as { error?: Partial<ErrorBody> } | null)?.error : undefined;
      // A well-formed code passes through (a newer server may know codes this SDK does not).
      const code = looksLikeCode(err?.code) ? err.code : codeForStatus(res.status);
      const message = typeof err?.message === 'string' ? err.message : res.statusText || `HTTP ${res.status}`;
      throw new VisavisError(code, message, res.status);
    }
    if (!json)
      throw new VisavisError('INTERNAL', 'The server answered with something other than JSON.', res.status);
    return parsed as T;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
}

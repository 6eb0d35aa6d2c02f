import type { ErrorBody } from '@visavis/protocol';
import { VisavisError } from './errors.js';

export interface HttpOptions {
  baseUrl: string;
  /** Bearer token (visitors); agents in the workspace use the session cookie instead. */
  token?: string;
  fetchImpl?: typeof fetch;
}

/** JSON over HTTP with the server's error bodies turned into VisavisError. */
export async function requestJson<T>(
  opts: HttpOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const f = opts.fetchImpl ?? fetch;
  const headers: Record<string, string> = {};
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await f(opts.baseUrl + path, {
      method,
      headers,
      credentials: 'include',
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch (e) {
    throw new VisavisError('NETWORK', (e as Error).message);
  }
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (parsed as { error?: ErrorBody } | undefined)?.error;
    throw new VisavisError(err?.code ?? 'INTERNAL', err?.message ?? res.statusText, res.status);
  }
  return parsed as T;
}

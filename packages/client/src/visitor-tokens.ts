import type { VisitorSessionResponse } from '@visavis/protocol';
import { requestJson } from './http.js';

/** What a visitor session answers; the refresh token is single use and rotated by every renewal. */
export type VisitorTokens = Pick<VisitorSessionResponse, 'visitorToken' | 'refreshToken' | 'expiresAt'>;

export interface VisitorTokenKeeperOptions {
  baseUrl: string;
  fetchImpl?: typeof fetch;
  /** Every new pair, to persist the refresh token (the widget keeps it first-party on the host page). */
  onTokens?: (tokens: VisitorTokens) => void;
  /** Renew when the access token expires within this many ms. Default: 2 minutes. */
  marginMs?: number;
  now?: () => number;
}

/**
 * Keeps a visitor's access token fresh: renews it shortly before it expires (and on demand, e.g.
 * after INVALID_TOKEN), one renewal at a time, since a refresh token used twice ends the session.
 */
export class VisitorTokenKeeper {
  private tokens: VisitorTokens | null = null;
  private inflight: Promise<VisitorTokens> | null = null;

  constructor(private readonly opts: VisitorTokenKeeperOptions) {}

  /** Adopt a pair from POST /api/visitor/session (or a renewal made elsewhere). */
  set(tokens: VisitorTokens | null): void {
    this.tokens = tokens ? { visitorToken: tokens.visitorToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt } : null;
    if (this.tokens) this.opts.onTokens?.(this.tokens);
  }

  get accessToken(): string | null {
    return this.tokens?.visitorToken ?? null;
  }

  get refreshToken(): string | null {
    return this.tokens?.refreshToken ?? null;
  }

  /** The access token, renewed first when it is about to expire. */
  async fresh(): Promise<string | null> {
    if (!this.tokens) return null;
    const now = (this.opts.now ?? Date.now)();
    const expires = Date.parse(this.tokens.expiresAt);
    if (Number.isFinite(expires) && expires - now > (this.opts.marginMs ?? 120_000)) return this.tokens.visitorToken;
    return (await this.refresh()).visitorToken;
  }

  /** Renews now; concurrent callers share one request. Rejects when the session is over. */
  refresh(): Promise<VisitorTokens> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return Promise.reject(new Error('no visitor session to renew'));
    this.inflight ??= requestJson<VisitorSessionResponse>({ baseUrl: this.opts.baseUrl, ...(this.opts.fetchImpl ? { fetchImpl: this.opts.fetchImpl } : {}) }, 'POST', '/api/visitor/refresh', { refreshToken })
      .then((res) => {
        this.set(res);
        return this.tokens!;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}

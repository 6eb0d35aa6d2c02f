import type {
  Attachment, ConversationsAnswer, ConversationSummary, EventsAnswer, Language, OfflineMessageLeft, SequencedEvent, UploadAnswer, VisitorSessionResponse,
} from '@visavis/protocol';
import { requestJson, VisavisError, VisitorTokenKeeper } from '@visavis/client';
import type { BridgeIdentity } from '../shared/bridge.js';

/**
 * The iframe's own copy of the refresh token. Where the browser blocks third-party storage it
 * throws and we keep it in memory; the loader's first-party copy (host page storage, handed over
 * in `init`) is then what makes a reload the same visitor.
 */
export class TokenStore {
  private memory: string | null = null;
  constructor(private readonly key: string) {}

  get(): string | null {
    try {
      return window.localStorage.getItem(this.key) ?? this.memory;
    } catch {
      return this.memory;
    }
  }

  set(token: string | null): void {
    this.memory = token;
    try {
      if (token) window.localStorage.setItem(this.key, token);
      else window.localStorage.removeItem(this.key);
    } catch {
      /* memory only */
    }
  }
}

export interface SessionInput {
  identity: BridgeIdentity | null;
  pageUrl: string;
  language: Language;
}

/**
 * fetch with a deadline. requestJson has no timeout of its own, and a request that never
 * answers (a dead mobile network, a stuck upload) must end as an error the visitor can retry
 * rather than an "Uploading…" that spins forever.
 */
export function fetchWithTimeout(ms: number): typeof fetch {
  return (input, init) => {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), ms) : undefined;
    return fetch(input, { ...init, ...(controller ? { signal: controller.signal } : {}) }).finally(() => clearTimeout(timer));
  };
}

const API_TIMEOUT_MS = 20_000;
/** Generous: 10 MB over a slow mobile uplink. */
const UPLOAD_TIMEOUT_MS = 180_000;

/** The visitor's HTTP calls. Same origin as the chat app, so the base URL is empty. */
export class VisitorApi {
  readonly tokens: TokenStore;
  private readonly keeper: VisitorTokenKeeper;
  /** Called with every new refresh token (null: forgotten), for the loader's first-party copy. */
  onRefreshToken: (token: string | null) => void = () => {};
  /** Resume the stored session, identified or not, when no identity is given (full-page chat). */
  resumeWithoutIdentity = false;

  constructor(private readonly siteKey: string, private readonly baseUrl = '') {
    this.tokens = new TokenStore(`visavis.refreshToken.${siteKey}`);
    this.keeper = new VisitorTokenKeeper({
      baseUrl,
      fetchImpl: fetchWithTimeout(API_TIMEOUT_MS),
      onTokens: (t) => this.keepRefreshToken(t.refreshToken),
    });
  }

  /** The current access token (possibly expired: use freshToken() before connecting). */
  get token(): string | null {
    return this.keeper.accessToken;
  }

  /** A refresh token from the host page's storage (first-party), or another tab's newer one. */
  adoptRefreshToken(token: string | null): void {
    if (token && token !== this.tokens.get()) this.tokens.set(token);
  }

  /**
   * Create or resume the visitor session. A dead refresh token or an identity that does not verify
   * must not lock the visitor out, so each is dropped once and retried; an identity that merely
   * expired (a reloaded H5 link) resumes the session this browser already verified.
   */
  async startSession(input: SessionInput): Promise<VisitorSessionResponse> {
    let stored = this.tokens.get();
    let identity = input.identity;
    // A widget from before visitor sessions kept a 180-day token here; the server resumes its
    // anonymous visitor once in exchange, so an upgrade does not forget returning visitors.
    const legacy = new TokenStore(`visavis.visitorToken.${this.siteKey}`);
    const legacyToken = stored ? null : legacy.get();
    legacy.set(null);
    if (!identity && stored && this.resumeWithoutIdentity) {
      const resumed = await this.resume(stored);
      if (resumed) return resumed;
      stored = this.tokens.get();
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const res = await requestJson<VisitorSessionResponse>({ baseUrl: this.baseUrl, fetchImpl: fetchWithTimeout(API_TIMEOUT_MS) }, 'POST', '/api/visitor/session', {
          siteKey: this.siteKey,
          ...(stored ? { refreshToken: stored } : legacyToken && attempt === 0 ? { visitorToken: legacyToken } : {}),
          ...(identity ? { identity } : {}),
          ...(input.pageUrl ? { pageUrl: input.pageUrl.slice(0, 2048) } : {}),
          language: input.language,
        });
        this.keeper.set(res);
        return res;
      } catch (e) {
        const code = e instanceof VisavisError ? e.code : null;
        if (code === 'IDENTITY_EXPIRED' && identity && stored) {
          // Only an identified session may stand in for an identity that merely expired.
          const resumed = await this.resume(stored);
          if (resumed?.identified) return resumed;
          stored = this.tokens.get();
        }
        if ((code === 'INVALID_IDENTITY' || code === 'IDENTITY_EXPIRED' || code === 'IDENTITY_SCHEME_OUTDATED') && identity) {
          console.warn(`[visavis] identity rejected by the server (${code}); continuing as an anonymous visitor`);
          identity = null;
          continue;
        }
        if ((code === 'INVALID_TOKEN' || code === 'UNAUTHENTICATED' || code === 'VALIDATION_FAILED') && stored) {
          stored = null;
          this.keepRefreshToken(null);
          continue;
        }
        throw e;
      }
    }
    throw new VisavisError('INTERNAL', 'could not start a visitor session');
  }

  /** The access token, renewed first when it is about to expire (the socket asks on every connect). */
  async freshToken(): Promise<string | null> {
    this.syncRefreshToken();
    return this.keeper.fresh();
  }

  /** Renew now (the server refused the access token); false when the session is over. */
  async renew(): Promise<boolean> {
    this.syncRefreshToken();
    return this.keeper.refresh().then(
      () => true,
      () => false,
    );
  }

  /** Forget the session (e.g. it was revoked): the next start is a new anonymous visitor. */
  dropToken(): void {
    this.keeper.set(null);
    this.keepRefreshToken(null);
  }

  private async resume(refreshToken: string): Promise<VisitorSessionResponse | null> {
    try {
      const res = await requestJson<VisitorSessionResponse>({ baseUrl: this.baseUrl, fetchImpl: fetchWithTimeout(API_TIMEOUT_MS) }, 'POST', '/api/visitor/refresh', { refreshToken });
      this.keeper.set(res);
      return res;
    } catch {
      return null;
    }
  }

  /** Another tab may have rotated the shared refresh token since; use the newest one. */
  private syncRefreshToken(): void {
    const stored = this.tokens.get();
    if (stored && this.keeper.refreshToken && stored !== this.keeper.refreshToken && this.keeper.accessToken) {
      this.keeper.set({ visitorToken: this.keeper.accessToken, refreshToken: stored, expiresAt: new Date(0).toISOString() });
    }
  }

  private keepRefreshToken(token: string | null): void {
    this.tokens.set(token);
    this.onRefreshToken(token);
  }

  async conversations(): Promise<ConversationSummary[]> {
    const res = await requestJson<ConversationsAnswer>(await this.http(API_TIMEOUT_MS), 'GET', '/api/visitor/conversations');
    return res.conversations;
  }

  /** One page of a conversation's events after `afterSeq` (earlier conversations, read-only). */
  async events(conversationId: string, afterSeq: number): Promise<SequencedEvent[]> {
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/events?afterSeq=${afterSeq}`;
    const res = await requestJson<EventsAnswer>(await this.http(API_TIMEOUT_MS), 'GET', path);
    return res.events;
  }

  async upload(conversationId: string, file: File, mime: string): Promise<Attachment> {
    const form = new FormData();
    // Re-wrap when the browser gave no type, so the server sees the type we inferred.
    const blob = file.type || !mime ? file : new File([file], file.name, { type: mime });
    form.append('file', blob, file.name);
    const path = `/api/uploads?conversationId=${encodeURIComponent(conversationId)}`;
    const res = await requestJson<UploadAnswer>(await this.http(UPLOAD_TIMEOUT_MS), 'POST', path, form);
    return res.attachment;
  }

  /** Leave a message for the team while it is closed (POST /api/visitor/offline-messages). */
  async leaveMessage(m: { name: string; contact: string; text: string; pageUrl?: string }): Promise<OfflineMessageLeft> {
    return requestJson<OfflineMessageLeft>(await this.http(API_TIMEOUT_MS), 'POST', '/api/visitor/offline-messages', m);
  }

  /** Options with a renewed access token: a visitor may send a file an hour after the page loaded. */
  private async http(timeoutMs: number) {
    const fetchImpl = fetchWithTimeout(timeoutMs);
    const token = await this.freshToken().catch(() => this.token);
    return token ? { baseUrl: this.baseUrl, token, fetchImpl } : { baseUrl: this.baseUrl, fetchImpl };
  }
}

/** The newest conversation that is not closed, if any. */
export function pickLiveConversation(list: readonly ConversationSummary[]): ConversationSummary | null {
  let best: ConversationSummary | null = null;
  for (const c of list) {
    if (c.status === 'closed') continue;
    if (!best || c.createdAt > best.createdAt) best = c;
  }
  return best;
}

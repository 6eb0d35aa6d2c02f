import type { Attachment, ConversationSummary, Language, SequencedEvent, VisitorSessionResponse } from '@visavis/protocol';
import { requestJson, VisavisError } from '@visavis/client';
import type { BridgeIdentity } from '../shared/bridge.js';

/**
 * Storage that survives a blocked localStorage (Safari with third-party storage blocked,
 * some WebViews, private modes): we fall back to memory, which costs only history on reload.
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
  token: string | null = null;

  constructor(private readonly siteKey: string, private readonly baseUrl = '') {
    this.tokens = new TokenStore(`visavis.visitorToken.${siteKey}`);
  }

  /**
   * Create or resume the visitor session. A stale stored token or an identity whose signature
   * does not verify must not lock the visitor out, so each is dropped once and retried.
   */
  async startSession(input: SessionInput): Promise<VisitorSessionResponse> {
    let stored = this.tokens.get();
    let identity = input.identity;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const res = await requestJson<VisitorSessionResponse>({ baseUrl: this.baseUrl, fetchImpl: fetchWithTimeout(API_TIMEOUT_MS) }, 'POST', '/api/visitor/session', {
          siteKey: this.siteKey,
          ...(stored ? { visitorToken: stored } : {}),
          ...(identity ? { identity } : {}),
          ...(input.pageUrl ? { pageUrl: input.pageUrl.slice(0, 2048) } : {}),
          language: input.language,
        });
        this.token = res.visitorToken;
        this.tokens.set(res.visitorToken);
        return res;
      } catch (e) {
        const code = e instanceof VisavisError ? e.code : null;
        if (code === 'INVALID_IDENTITY' && identity) {
          console.warn('[visavis] identity rejected by the server; continuing as an anonymous visitor');
          identity = null;
          continue;
        }
        if ((code === 'INVALID_TOKEN' || code === 'UNAUTHENTICATED' || code === 'VALIDATION_FAILED') && stored) {
          stored = null;
          this.tokens.set(null);
          continue;
        }
        throw e;
      }
    }
    throw new VisavisError('INTERNAL', 'could not start a visitor session');
  }

  /** Forget the token (e.g. the server no longer accepts it on the socket). */
  dropToken(): void {
    this.token = null;
    this.tokens.set(null);
  }

  async conversations(): Promise<ConversationSummary[]> {
    const res = await requestJson<{ conversations: ConversationSummary[] }>(this.http(API_TIMEOUT_MS), 'GET', '/api/visitor/conversations');
    return res.conversations;
  }

  /** One page of a conversation's events after `afterSeq` (earlier conversations, read-only). */
  async events(conversationId: string, afterSeq: number): Promise<SequencedEvent[]> {
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/events?afterSeq=${afterSeq}`;
    const res = await requestJson<{ events: SequencedEvent[] }>(this.http(API_TIMEOUT_MS), 'GET', path);
    return res.events;
  }

  async upload(conversationId: string, file: File, mime: string): Promise<Attachment> {
    const form = new FormData();
    // Re-wrap when the browser gave no type, so the server sees the type we inferred.
    const blob = file.type || !mime ? file : new File([file], file.name, { type: mime });
    form.append('file', blob, file.name);
    const path = `/api/uploads?conversationId=${encodeURIComponent(conversationId)}`;
    const res = await requestJson<{ attachment: Attachment }>(this.http(UPLOAD_TIMEOUT_MS), 'POST', path, form);
    return res.attachment;
  }

  /** Leave a message for the team while it is closed (POST /api/visitor/offline-messages). */
  async leaveMessage(m: { name: string; contact: string; text: string; pageUrl?: string }): Promise<{ id: string }> {
    return requestJson<{ id: string }>(this.http(API_TIMEOUT_MS), 'POST', '/api/visitor/offline-messages', m);
  }

  private http(timeoutMs: number) {
    const fetchImpl = fetchWithTimeout(timeoutMs);
    return this.token ? { baseUrl: this.baseUrl, token: this.token, fetchImpl } : { baseUrl: this.baseUrl, fetchImpl };
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

import { requestJson, type HttpOptions } from '@visavis/client';
import { withRetryAfter } from './lib/retryAfter';
import type {
  ConversationDetails,
  ConversationsAnswer,
  Presence,
  PresenceAnswer,
  SignedInAgent,
  UploadAnswer,
} from '@visavis/protocol';

/**
 * Typed wrappers over the agent HTTP API (docs/api.md). Same origin, so the session cookie
 * travels by itself; errors arrive as VisavisError with the catalog code.
 */
const http: HttpOptions = { baseUrl: '' };

/**
 * Uploads get a deadline: requestJson has none, and a stalled upload would otherwise leave the
 * message "uploading" forever instead of failing with a Retry button.
 */
const UPLOAD_TIMEOUT_MS = 120_000;
const uploadHttp: HttpOptions = {
  baseUrl: '',
  fetchImpl: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) }),
};

/** Who is signed in (POST /api/auth/login, GET /api/me). */
export type { SignedInAgent as Session, ConversationDetails };

export const api = {
  /**
   * With two-factor sign-in on, the first try answers TOTP_REQUIRED and the code comes second.
   * A busy server (a shift signing in at once) answers 429 with Retry-After: tried again then.
   */
  login: (email: string, password: string, totpCode?: string) =>
    withRetryAfter((fetchImpl) =>
      requestJson<SignedInAgent>({ ...http, fetchImpl }, 'POST', '/api/auth/login', { email, password, totpCode }),
    ),
  logout: () => requestJson<void>(http, 'POST', '/api/auth/logout'),
  me: () => requestJson<SignedInAgent>(http, 'GET', '/api/me'),
  setPresence: (presence: Presence) =>
    requestJson<PresenceAnswer>(http, 'PUT', '/api/me/presence', { presence }),
  conversations: (scope: 'live' | 'closed') =>
    requestJson<ConversationsAnswer>(http, 'GET', `/api/agent/conversations?scope=${scope}`),
  conversation: (id: string) =>
    requestJson<ConversationDetails>(http, 'GET', `/api/conversations/${encodeURIComponent(id)}`),
  upload: (conversationId: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return requestJson<UploadAnswer>(
      uploadHttp,
      'POST',
      `/api/uploads?conversationId=${encodeURIComponent(conversationId)}`,
      form,
    );
  },
};

export function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

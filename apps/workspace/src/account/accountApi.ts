import type {
  AccountsAnswer,
  InviteAgentRequest,
  InvitedAgentAnswer,
  PasswordLink,
  PasswordLinkInfo,
  PasswordSetAnswer,
  Role,
  SessionsAnswer,
  SessionsEndedAnswer,
  TotpEnrolment,
  TotpStatus,
} from '@visavis/protocol';
import { call } from '../routing/api.js';

const id = (v: string) => encodeURIComponent(v);

/** The account endpoints (routes-accounts.ts); errors arrive as ApiError with the catalog code. */
export const accountApi = {
  inspectLink: (token: string) => call<PasswordLinkInfo>('POST', '/api/auth/password-link', { token }),
  setPassword: (token: string, password: string) =>
    call<PasswordSetAnswer>('POST', '/api/auth/set-password', { token, password }),
  changePassword: (currentPassword: string, newPassword: string) =>
    call<void>('PUT', '/api/me/password', { currentPassword, newPassword }),
  sessions: () => call<SessionsAnswer>('GET', '/api/me/sessions'),
  revokeSession: (sessionId: string) => call<void>('DELETE', `/api/me/sessions/${id(sessionId)}`),
  totpStatus: () => call<TotpStatus>('GET', '/api/me/totp'),
  enrolTotp: () => call<TotpEnrolment>('POST', '/api/me/totp/enrol'),
  confirmTotp: (code: string) => call<void>('POST', '/api/me/totp/confirm', { code }),
  disableTotp: (code: string) => call<void>('POST', '/api/me/totp/disable', { code }),

  accounts: () => call<AccountsAnswer>('GET', '/api/admin/accounts'),
  invite: (input: InviteAgentRequest) =>
    call<InvitedAgentAnswer>('POST', '/api/admin/agents/invite', input),
  resetPassword: (agentId: string) => call<PasswordLink>('POST', `/api/admin/agents/${id(agentId)}/reset-password`),
  deactivate: (agentId: string) => call<void>('POST', `/api/admin/agents/${id(agentId)}/deactivate`),
  reactivate: (agentId: string) => call<void>('POST', `/api/admin/agents/${id(agentId)}/reactivate`),
  setRole: (agentId: string, role: Role) => call<void>('PUT', `/api/admin/agents/${id(agentId)}/role`, { role }),
  agentSessions: (agentId: string) =>
    call<SessionsAnswer>('GET', `/api/admin/agents/${id(agentId)}/sessions`),
  revokeAgentSessions: (agentId: string, sessionId?: string) =>
    call<SessionsEndedAnswer>(
      'DELETE',
      `/api/admin/agents/${id(agentId)}/sessions${sessionId ? `/${id(sessionId)}` : ''}`,
    ),
  resetTotp: (agentId: string) => call<void>('DELETE', `/api/admin/agents/${id(agentId)}/totp`),
};

/** The set-password route the server's links point at: /app/#/set-password?token=… */
export function setPasswordTokenFromHash(hash: string): string | null {
  const m = /^#\/set-password\?(.*)$/.exec(hash);
  if (!m) return null;
  return new URLSearchParams(m[1]).get('token');
}

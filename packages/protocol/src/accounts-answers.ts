import { z } from 'zod';
import { AccountView, PasswordLink, SessionView } from './accounts.js';
import { AgentProfile } from './model.js';

/**
 * The answers of the sign-in and account endpoints (routes-api.ts, routes-accounts.ts), as zod
 * schemas so tests can check the server's real answers against them and an OpenAPI document can
 * be generated from them. Browser code imports only the inferred types (`import type`): building
 * a schema runs zod's eval probe, which the workspace's CSP forbids.
 *
 * Answers that are a protocol object as is: POST /api/auth/password-link → PasswordLinkInfo,
 * POST /api/me/totp/enrol → TotpEnrolment, POST /api/admin/agents/:id/reset-password → PasswordLink.
 */

/** POST /api/auth/login, GET /api/me: who is signed in, and their organisation. */
export const SignedInAgent = z.object({
  agent: AgentProfile,
  org: z.object({ id: z.string(), name: z.string() }),
});
export type SignedInAgent = z.infer<typeof SignedInAgent>;

/** PUT /api/me/presence: the agent with the presence now in effect. */
export const PresenceAnswer = z.object({ agent: AgentProfile });
export type PresenceAnswer = z.infer<typeof PresenceAnswer>;

/** POST /api/auth/set-password: whose password was set, for the sign-in form to prefill. */
export const PasswordSetAnswer = z.object({ email: z.string() });
export type PasswordSetAnswer = z.infer<typeof PasswordSetAnswer>;

/** GET /api/me/sessions, GET /api/admin/agents/:id/sessions */
export const SessionsAnswer = z.object({ sessions: z.array(SessionView) });
export type SessionsAnswer = z.infer<typeof SessionsAnswer>;

/** GET /api/me/totp: whether the server offers a second factor, and whether this account has one. */
export const TotpStatus = z.object({ available: z.boolean(), enabled: z.boolean() });
export type TotpStatus = z.infer<typeof TotpStatus>;

/** GET /api/admin/accounts */
export const AccountsAnswer = z.object({ accounts: z.array(AccountView) });
export type AccountsAnswer = z.infer<typeof AccountsAnswer>;

/** POST /api/admin/agents/invite: the new account and its one-time link (shown once). */
export const InvitedAgentAnswer = z.object({ agent: AccountView, link: PasswordLink });
export type InvitedAgentAnswer = z.infer<typeof InvitedAgentAnswer>;

/** DELETE /api/admin/agents/:id/sessions[/:sessionId]: how many sessions were ended. */
export const SessionsEndedAnswer = z.object({ ended: z.number().int().nonnegative() });
export type SessionsEndedAnswer = z.infer<typeof SessionsEndedAnswer>;

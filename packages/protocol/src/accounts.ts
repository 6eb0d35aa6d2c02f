import { z } from 'zod';
import { PASSWORD_RULES } from './limits.js';
import { Presence, Role } from './model.js';

/**
 * Agent accounts: one-time password links (invite, reset), own password and sessions, the
 * admin lifecycle (deactivate, role, sessions) and the optional TOTP second factor.
 */

export const NewPassword = z.string().min(PASSWORD_RULES.minLength).max(PASSWORD_RULES.maxLength);

/** One-time link tokens are 32 random bytes, base64url. */
export const LinkToken = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

export const TotpCode = z.string().regex(/^\d{6}$/, 'must be 6 digits');

export const PasswordLinkRequest = z.object({ token: LinkToken });

export const PasswordLinkInfo = z.object({
  email: z.string(),
  name: z.string(),
  orgName: z.string(),
  purpose: z.enum(['invite', 'reset']),
  expiresAt: z.string(),
});
export type PasswordLinkInfo = z.infer<typeof PasswordLinkInfo>;

export const SetPasswordRequest = z.object({ token: LinkToken, password: NewPassword });

export const ChangePasswordRequest = z.object({ currentPassword: z.string().min(1).max(256), newPassword: NewPassword });

export const SessionView = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;

export const InviteAgentRequest = z.object({
  email: z.string().trim().email().max(254),
  name: z.string().trim().min(1).max(100),
  role: Role.default('agent'),
  groupIds: z.array(z.string().uuid()).max(100).default([]),
  capacity: z.number().int().min(1).max(100).default(5),
});
export type InviteAgentRequest = z.input<typeof InviteAgentRequest>;

export const RoleChangeRequest = z.object({ role: Role });

export const AccountView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  presence: Presence,
  active: z.boolean(),
  /** False until the invite link was used (or after an admin reset). */
  passwordSet: z.boolean(),
  totpEnabled: z.boolean(),
  sessions: z.number().int(),
});
export type AccountView = z.infer<typeof AccountView>;

/** A one-time link, shown once to whoever created it; only its hash is stored. */
export const PasswordLink = z.object({ link: z.string(), expiresAt: z.string() });
export type PasswordLink = z.infer<typeof PasswordLink>;

export const TotpEnrolment = z.object({ secret: z.string(), uri: z.string() });
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

export const TotpCodeRequest = z.object({ code: TotpCode });

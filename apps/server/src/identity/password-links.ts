import { PASSWORD_RULES, type PasswordLink } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { SqlExecutor } from '../ports/database.js';
import { randomToken, sha256Hex } from './tokens.js';
import { AccountTokens, type LinkPurpose } from './account-store.js';

export interface LinkSettings {
  /** PUBLIC_URL: links are opened from an e-mail or chat, so they must carry the public address. */
  publicUrl: string;
  ttlMs: number;
}

/** The workspace page that consumes a link (the SPA reads the hash route). */
export function passwordLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/app/#/set-password?token=${encodeURIComponent(token)}`;
}

/** A new one-time link for the agent (earlier unused ones stop working); only its hash is stored. */
export async function issuePasswordLink(
  tx: SqlExecutor,
  s: LinkSettings,
  now: Date,
  target: { orgId: string; agentId: string; purpose: LinkPurpose },
): Promise<PasswordLink> {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + s.ttlMs);
  await AccountTokens.replace(tx, { tokenHash: sha256Hex(token), ...target, expiresAt });
  return { link: passwordLinkUrl(s.publicUrl, token), expiresAt: expiresAt.toISOString() };
}

/** The rules the UI shows next to the field; length is also checked by the wire schema. */
export function assertPasswordRules(password: string, email: string): void {
  if (password.length < PASSWORD_RULES.minLength || password.length > PASSWORD_RULES.maxLength) {
    throw new AppError('WEAK_PASSWORD', `A password needs ${PASSWORD_RULES.minLength} to ${PASSWORD_RULES.maxLength} characters.`);
  }
  if (password.trim().toLowerCase() === email.toLowerCase()) throw new AppError('WEAK_PASSWORD', 'The password must not be the e-mail address.');
}

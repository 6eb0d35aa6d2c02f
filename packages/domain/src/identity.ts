/**
 * Pure helpers for identified visitors. The HMAC itself is computed by the caller's crypto
 * (Node in the server, the business's backend elsewhere); this module only fixes the rules.
 */
export function normalizeExternalUserId(userId: string): string {
  return userId.trim();
}

/** Constant-time comparison of two lowercase hex strings of equal length. */
export function hexEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed, scoped tokens: `scope.payload(base64url JSON).signature`. Visitor access tokens
 * (scope "v": org, visitor, session id, expiry) are verified by any node without the database;
 * their short life plus the revocation set (services/visitor-revocations.ts) bounds a stolen one.
 */
export class TokenSigner {
  constructor(private readonly secret: string) {}

  sign(scope: string, payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${scope}.${body}.${this.mac(`${scope}.${body}`)}`;
  }

  verify<T>(scope: string, token: string, now: number): T | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== scope) return null;
    const expected = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let payload: { exp?: number };
    try {
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: number };
    } catch {
      return null;
    }
    if (typeof payload.exp !== 'number' || payload.exp < now) return null;
    return payload as T;
  }

  /** A signature over a plain string, for signed URLs. */
  mac(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function hmacHex(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex');
}

/**
 * The exact strings a business's backend signs with its identity secret. The prefixes keep the
 * identity MAC and the routing-facts MAC apart (one can never be replayed as the other), and the
 * version lets a future scheme refuse these. Fields are joined with "\n", which the protocol
 * forbids inside them, so no two field lists give the same string.
 */
export function identitySigningString(i: { userId: string; ts: number; name?: string | undefined; email?: string | undefined }): string {
  return `visavis-identity-v2\n${i.userId}\n${i.ts}\n${i.name ?? ''}\n${i.email ?? ''}`;
}

export function factsSigningString(userId: string, facts: string): string {
  return `visavis-facts-v2\n${userId}\n${facts}`;
}

/** What a business's backend does (also used by tests and the docs' worked example). */
export function signIdentity(secret: string, i: { userId: string; ts: number; name?: string; email?: string }): string {
  return hmacHex(secret, identitySigningString(i));
}

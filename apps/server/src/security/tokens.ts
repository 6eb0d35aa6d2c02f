import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed, scoped tokens: `scope.payload(base64url JSON).signature`. Visitor tokens are
 * stateless (scope "v", the visitor's id and org, an expiry), so any node can verify them.
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

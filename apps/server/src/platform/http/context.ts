import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { AuthService, AgentPrincipal, Principal, VisitorService } from '../../identity/index.js';

export const SESSION_COOKIE = 'vv_session';

/** Resolves who is calling: an agent by session cookie, or a visitor by bearer token. */
export class RequestAuth {
  constructor(
    private readonly auth: AuthService,
    private readonly visitors: VisitorService,
  ) {}

  async agent(req: FastifyRequest): Promise<AgentPrincipal> {
    const p = await this.auth.authenticate(req.cookies[SESSION_COOKIE]);
    if (!p) throw new AppError('UNAUTHENTICATED');
    return p;
  }

  async any(req: FastifyRequest): Promise<Principal> {
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    if (bearer) {
      const v = this.visitors.principal(bearer);
      if (!v) throw new AppError('INVALID_TOKEN');
      return v;
    }
    return this.agent(req);
  }
}

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
}

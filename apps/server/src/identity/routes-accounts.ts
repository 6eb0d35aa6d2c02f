import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ChangePasswordRequest, InviteAgentRequest, PasswordLinkRequest, RoleChangeRequest, SetPasswordRequest, TotpCodeRequest,
  type AccountsAnswer, type InvitedAgentAnswer, type PasswordLink, type PasswordLinkInfo, type PasswordSetAnswer,
  type SessionsAnswer, type SessionsEndedAnswer, type TotpEnrolment, type TotpStatus,
} from '@visavis/protocol';
import type { AccountAdmin } from './account-admin.js';
import type { AccountService } from './account-service.js';
import type { RequestAuth } from '../platform/http/context.js';

export interface AccountRouteDeps {
  who: RequestAuth;
  accounts: AccountService;
  admin: AccountAdmin;
  /** Requests per minute per address on the unauthenticated link routes (each may cost a scrypt hash). */
  linkRatePerMinute: number;
}

const IdParam = z.object({ id: z.string().uuid() });
const SessionParams = z.object({ id: z.string().uuid(), sessionId: z.string().uuid() });

/** Password links, own password / sessions / second factor, and the admin account lifecycle. */
export async function registerAccountRoutes(app: FastifyInstance, d: AccountRouteDeps): Promise<void> {
  const { who } = d;
  const linkLimit = { config: { rateLimit: { max: d.linkRatePerMinute, timeWindow: 60_000 } } };

  // The set-password page first shows whose account the link is for, then sets the password.
  app.post('/api/auth/password-link', linkLimit, async (req): Promise<PasswordLinkInfo> => d.accounts.inspectLink(PasswordLinkRequest.parse(req.body).token));
  app.post('/api/auth/set-password', linkLimit, async (req): Promise<PasswordSetAnswer> => {
    const body = SetPasswordRequest.parse(req.body);
    return d.accounts.setPasswordWithLink(body.token, body.password);
  });

  app.put('/api/me/password', async (req, reply) => {
    const p = await who.agent(req);
    const body = ChangePasswordRequest.parse(req.body);
    await d.accounts.changePassword(p, body.currentPassword, body.newPassword);
    return reply.code(204).send();
  });
  app.get('/api/me/sessions', async (req): Promise<SessionsAnswer> => ({ sessions: await d.accounts.sessions(await who.agent(req)) }));
  app.delete('/api/me/sessions/:id', async (req, reply) => {
    const p = await who.agent(req);
    await d.accounts.revokeSession(p, IdParam.parse(req.params).id);
    return reply.code(204).send();
  });

  app.get('/api/me/totp', async (req): Promise<TotpStatus> => d.accounts.totpStatus(await who.agent(req)));
  app.post('/api/me/totp/enrol', async (req): Promise<TotpEnrolment> => d.accounts.enrolTotp(await who.agent(req)));
  app.post('/api/me/totp/confirm', async (req, reply) => {
    const p = await who.agent(req);
    await d.accounts.confirmTotp(p, TotpCodeRequest.parse(req.body).code);
    return reply.code(204).send();
  });
  app.post('/api/me/totp/disable', async (req, reply) => {
    const p = await who.agent(req);
    await d.accounts.disableTotp(p, TotpCodeRequest.parse(req.body).code);
    return reply.code(204).send();
  });

  app.get('/api/admin/accounts', async (req): Promise<AccountsAnswer> => ({ accounts: await d.admin.list(await who.agent(req)) }));
  app.post('/api/admin/agents/invite', async (req): Promise<InvitedAgentAnswer> => {
    const p = await who.agent(req);
    return d.admin.invite(p, InviteAgentRequest.parse(req.body));
  });
  app.post('/api/admin/agents/:id/reset-password', async (req): Promise<PasswordLink> => {
    const p = await who.agent(req);
    return d.admin.resetPassword(p, IdParam.parse(req.params).id);
  });
  app.post('/api/admin/agents/:id/deactivate', async (req, reply) => {
    const p = await who.agent(req);
    await d.admin.deactivate(p, IdParam.parse(req.params).id);
    return reply.code(204).send();
  });
  app.post('/api/admin/agents/:id/reactivate', async (req, reply) => {
    const p = await who.agent(req);
    await d.admin.reactivate(p, IdParam.parse(req.params).id);
    return reply.code(204).send();
  });
  app.put('/api/admin/agents/:id/role', async (req, reply) => {
    const p = await who.agent(req);
    await d.admin.setRole(p, IdParam.parse(req.params).id, RoleChangeRequest.parse(req.body).role);
    return reply.code(204).send();
  });
  app.get('/api/admin/agents/:id/sessions', async (req): Promise<SessionsAnswer> => {
    const p = await who.agent(req);
    return { sessions: await d.admin.sessions(p, IdParam.parse(req.params).id) };
  });
  app.delete('/api/admin/agents/:id/sessions', async (req): Promise<SessionsEndedAnswer> => {
    const p = await who.agent(req);
    return { ended: await d.admin.revokeSessions(p, IdParam.parse(req.params).id, null) };
  });
  app.delete('/api/admin/agents/:id/sessions/:sessionId', async (req): Promise<SessionsEndedAnswer> => {
    const p = await who.agent(req);
    const { id, sessionId } = SessionParams.parse(req.params);
    return { ended: await d.admin.revokeSessions(p, id, sessionId) };
  });
  app.delete('/api/admin/agents/:id/totp', async (req, reply) => {
    const p = await who.agent(req);
    await d.admin.resetTotp(p, IdParam.parse(req.params).id);
    return reply.code(204).send();
  });
}

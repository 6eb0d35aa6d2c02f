import type { Role } from '@visavis/protocol';

/** Who is acting. Every service call takes one and authorizes against it. */
export type Principal =
  | { kind: 'visitor'; orgId: string; visitorId: string; sessionId: string }
  | { kind: 'agent'; orgId: string; agentId: string; role: Role; name: string; sessionId: string };

export type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

export const isSupervisor = (p: Principal) => p.kind === 'agent' && (p.role === 'admin' || p.role === 'supervisor');

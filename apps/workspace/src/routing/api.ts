import type {
  AgentDirectoryAnswer,
  ConversationRouting,
  CreatedAgentAnswer,
  OffersAnswer,
  OfflineMessagesAnswer,
  Role,
  RoutingConfig,
  RoutingConfigAnswer,
  SkillGroupAnswer,
  SkillGroupInput,
  SkillGroupsAnswer,
  SupervisorAgentsAnswer,
  SupervisorQueueAnswer,
  VisitorRoutingFactsView,
} from '@visavis/protocol';

/** One field the server refused, as its validation error lists them. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * An error answer of the routing API. Unlike the SDK's requestJson this keeps the server's
 * `details` (the field paths of a VALIDATION_FAILED), which the admin forms show next to the form.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One JSON request to the API; failures throw ApiError (also used by the recordings screens). */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'include',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NETWORK', e instanceof Error ? e.message : String(e), 0);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
      ?.error;
    const details = Array.isArray(err?.details)
      ? err.details
          .filter((d): d is FieldProblem => typeof d?.path === 'string' && typeof d?.message === 'string')
          .map((d) => ({ path: d.path, message: d.message }))
      : [];
    const code =
      typeof err?.code === 'string' ? err.code : res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL';
    throw new ApiError(
      code,
      typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`,
      res.status,
      details,
    );
  }
  return parsed as T;
}

const id = encodeURIComponent;

/** The routing endpoints (docs/api.md, "Routing (ACD)"). Same origin; the session cookie travels by itself. */
export const routingApi = {
  offers: () => call<OffersAnswer>('GET', '/api/offers'),
  conversationRouting: (conversationId: string) =>
    call<ConversationRouting>('GET', `/api/conversations/${id(conversationId)}/routing`),
  directory: () => call<AgentDirectoryAnswer>('GET', '/api/agents/directory'),
  groups: () => call<SkillGroupsAnswer>('GET', '/api/admin/skill-groups'),
  saveGroup: (groupId: string | null, input: SkillGroupInput & { memberIds: string[] }) =>
    groupId
      ? call<SkillGroupAnswer>('PUT', `/api/admin/skill-groups/${id(groupId)}`, input)
      : call<SkillGroupAnswer>('POST', '/api/admin/skill-groups', input),
  deleteGroup: (groupId: string) => call<void>('DELETE', `/api/admin/skill-groups/${id(groupId)}`),
  queue: () => call<SupervisorQueueAnswer>('GET', '/api/supervisor/queue'),
  agents: () => call<SupervisorAgentsAnswer>('GET', '/api/supervisor/agents'),
  createAgent: (a: { email: string; name: string; role: Role; password: string; capacity: number }) =>
    call<CreatedAgentAnswer>('POST', '/api/admin/agents', a),
  updateAgent: (agentId: string, patch: { capacity?: number; autoAccept?: boolean; groupIds?: string[] }) =>
    call<void>('PUT', `/api/admin/agents/${id(agentId)}/routing`, patch),
  config: (entryPoint: string | null) =>
    call<RoutingConfigAnswer>(
      'GET',
      `/api/admin/routing-config${entryPoint ? `?entryPoint=${id(entryPoint)}` : ''}`,
    ),
  saveConfig: (entryPoint: string | null, config: RoutingConfig) =>
    call<void>(
      'PUT',
      `/api/admin/routing-config${entryPoint ? `?entryPoint=${id(entryPoint)}` : ''}`,
      config,
    ),
  visitorFacts: (visitorId: string) =>
    call<VisitorRoutingFactsView>('GET', `/api/admin/visitors/${id(visitorId)}/routing`),
  setVisitorFacts: (visitorId: string, facts: { vip: boolean; tags: string[] }) =>
    call<void>('PUT', `/api/admin/visitors/${id(visitorId)}/routing`, facts),
  offlineMessages: (status: 'open' | 'done') =>
    call<OfflineMessagesAnswer>('GET', `/api/offline-messages?status=${status}`),
  markOfflineDone: (messageId: string) => call<void>('POST', `/api/offline-messages/${id(messageId)}/done`),
};

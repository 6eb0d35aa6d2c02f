import { randomUUID } from 'node:crypto';
import type { ConversationSummary } from '@visavis/protocol';
import { agentConnection, agentLogin, visitorConnection, visitorSession, waitFor, type TestServer } from './support.js';

export const EMAILS = {
  admin: 'admin@demo.visavis.local',
  supervisor: 'supervisor@demo.visavis.local',
  agent1: 'agent1@demo.visavis.local',
  agent2: 'agent2@demo.visavis.local',
};

/**
 * Runs `fn` while the fixture's call is live and recording (60 s in), then puts the row back as
 * it was: script marks are only taken then.
 */
export async function whileRecording<T>(t: TestServer, callId: string, fn: () => Promise<T>): Promise<T> {
  const [before] = await t.server.db.query<Record<string, unknown>>(
    'select status, ended_at, ended_by, end_reason, recording_state, recording_started_at from calls where id = $1',
    [callId],
  );
  await t.server.db.query(
    `update calls set status = 'active', ended_at = null, ended_by = null, end_reason = null, recording_state = 'running',
       recording_started_at = now() - interval '60 seconds' where id = $1`,
    [callId],
  );
  try {
    return await fn();
  } finally {
    await t.server.db.query(
      `update calls set status = $2, ended_at = $3, ended_by = $4, end_reason = $5, recording_state = $6, recording_started_at = $7 where id = $1`,
      [callId, before!.status, before!.ended_at, before!.ended_by, before!.end_reason, before!.recording_state, before!.recording_started_at],
    );
  }
}

/**
 * A conversation assigned to agent1 with one ended video call. The call row is written directly:
 * the call flow itself is the calls suite's business, recordings only need the row.
 */
export async function recordedCall(t: TestServer) {
  const cookies = {
    admin: await agentLogin(t, EMAILS.admin),
    supervisor: await agentLogin(t, EMAILS.supervisor),
    agent1: await agentLogin(t, EMAILS.agent1),
    agent2: await agentLogin(t, EMAILS.agent2),
  };
  const agent = agentConnection(t, cookies.agent1);
  await agent.conn.request({ type: 'presence.set', presence: 'online' });
  const s = await visitorSession(t);
  const visitor = visitorConnection(t, s.visitorToken);
  const { conversation } = await visitor.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
  await waitFor(() => agent.pushes.find((m) => m.type === 'inbox.updated' && m.conversation.status === 'assigned'), 'assignment');
  await visitor.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: `m-${randomUUID()}`, text: 'I want to open an account' });
  const [row] = await t.server.db.query<{ org_id: string; agent_id: string }>('select org_id, agent_id from conversations where id = $1', [conversation.id]);
  const callId = randomUUID();
  await t.server.db.query(
    `insert into calls (id, org_id, conversation_id, media, profile, status, started_by, agent_id, ring_expires_at, answered_at, ended_at, ended_by, end_reason)
     values ($1, $2, $3, 'video', '720p', 'ended', 'visitor', $4, now(), now(), now(), 'agent', 'hangup')`,
    [callId, row!.org_id, conversation.id, row!.agent_id],
  );
  return {
    cookies, callId, conversationId: conversation.id, orgId: row!.org_id, visitorToken: s.visitorToken,
    close() {
      agent.conn.close();
      visitor.conn.close();
    },
  };
}

export function api(t: TestServer, cookieOrToken: string | null) {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...extra,
    ...(cookieOrToken === null ? {} : cookieOrToken.includes('=') ? { cookie: cookieOrToken } : { authorization: `Bearer ${cookieOrToken}` }),
  });
  return {
    get: (p: string, extra: Record<string, string> = {}) => fetch(`${t.url}${p}`, { headers: headers(extra) }),
    post: (p: string, body: unknown = {}) =>
      fetch(`${t.url}${p}`, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) }),
    put: (p: string, body: unknown) =>
      fetch(`${t.url}${p}`, { method: 'PUT', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) }),
  };
}

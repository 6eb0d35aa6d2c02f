import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '@visavis/client';
import type { ConversationSummary, OfferView, ServerMessage, SkillGroup } from '@visavis/protocol';
import { api, EMAILS, recordedCall } from './compliance-fixtures.js';
import { agentConnection, agentLogin, startTestServer, visitorConnection, visitorSession, waitFor, type Recorder, type TestServer } from './support.js';

/**
 * Defects a newcomer hit (issue 10): a supervisor's open workspace must follow waiting
 * conversations live, and an open Recordings dialog must hear of files stored after the call.
 */
let t: TestServer | undefined;
const conns: Connection[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

type Inbox = Extract<ServerMessage, { type: 'inbox.updated' }>;
const inboxFor = (rec: Recorder, conversationId: string): Inbox[] =>
  rec.pushes.filter((m): m is Inbox => m.type === 'inbox.updated' && m.conversation.id === conversationId);

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function connect(server: TestServer, email: string): Promise<Recorder> {
  const rec = agentConnection(server, await agentLogin(server, email));
  conns.push(rec.conn);
  await waitFor(() => rec.pushes.some((m) => m.type === 'ready'), `${email} ready`);
  return rec;
}

describe('supervisor inbox is live', () => {
  it('pushes queued, offered, declined, assigned, transferred and closed conversations to supervisors only', async () => {
    t = await startTestServer();
    const admin = await agentLogin(t, EMAILS.admin);
    const http = api(t, admin);
    const { agents } = await json<{ agents: { id: string; email: string }[] }>(await http.get('/api/supervisor/agents'));
    const ids = Object.fromEntries(agents.map((a) => [a.email, a.id]));
    // agent1 rings instead of taking conversations at once, so the offer is visible as a state.
    expect((await http.put(`/api/admin/agents/${ids[EMAILS.agent1]}/routing`, { autoAccept: false })).ok).toBe(true);
    const { group } = await json<{ group: SkillGroup }>(await http.post('/api/admin/skill-groups', { name: 'Cards', memberIds: [] }));

    const supervisor = await connect(t, EMAILS.supervisor);
    const agent2 = await connect(t, EMAILS.agent2); // connected but offline: takes nothing

    // Nobody online: the visitor waits, and the supervisor sees it without asking.
    const s = await visitorSession(t);
    const visitor = visitorConnection(t, s.visitorToken);
    conns.push(visitor.conn);
    const { conversation } = await visitor.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
    const queued = await waitFor(() => inboxFor(supervisor, conversation.id)[0], 'queued push to the supervisor');
    expect(queued.conversation).toMatchObject({ status: 'queued', agentId: null, visitorId: s.visitorId });
    // A waiting visitor's message refreshes the supervisor's entry too.
    await visitor.conn.request({ type: 'message.send', conversationId: conversation.id, clientMsgId: 'm-wait-1', text: 'anyone there?' });
    await waitFor(() => inboxFor(supervisor, conversation.id).some((m) => m.conversation.lastMessageText === 'anyone there?'), 'message push');

    // Offered: agent1 comes online and it rings for them; the supervisor hears of it.
    const before = inboxFor(supervisor, conversation.id).length;
    const agent1 = await connect(t, EMAILS.agent1);
    await agent1.conn.request({ type: 'presence.set', presence: 'online' });
    const offer = await waitFor(
      () => agent1.pushes.find((m): m is Extract<ServerMessage, { type: 'offer.ringing' }> => m.type === 'offer.ringing')?.offer,
      'offer',
    ) as OfferView;
    await waitFor(() => inboxFor(supervisor, conversation.id).length > before, 'offered push');
    // Declined: waiting again, and the supervisor hears that too.
    const beforeDecline = inboxFor(supervisor, conversation.id).length;
    await agent1.conn.request({ type: 'offer.decline', offerId: offer.id });
    await waitFor(() => inboxFor(supervisor, conversation.id).length > beforeDecline, 'declined push');
    expect(inboxFor(supervisor, conversation.id).at(-1)!.conversation.status).toBe('queued');

    // Assigned (the supervisor hands it to agent1 directly).
    await supervisor.conn.request({ type: 'conversation.transfer', conversationId: conversation.id, agentId: ids[EMAILS.agent1], note: 'please take it' });
    await waitFor(
      () => inboxFor(supervisor, conversation.id).some((m) => m.conversation.status === 'assigned' && m.conversation.agentId === ids[EMAILS.agent1]),
      'assigned push',
    );
    // Transferred to a group: back in the queue, pushed as such.
    await agent1.conn.request({ type: 'conversation.transfer', conversationId: conversation.id, groupId: group.id, note: 'cards team' });
    await waitFor(
      () => inboxFor(supervisor, conversation.id).some((m, i, all) => i > 0 && m.conversation.status === 'queued' && all.slice(0, i).some((x) => x.conversation.status === 'assigned')),
      'transferred-to-group push',
    );
    // Closed while waiting: the supervisor's entry closes live.
    await visitor.conn.request({ type: 'conversation.close', conversationId: conversation.id });
    await waitFor(() => inboxFor(supervisor, conversation.id).some((m) => m.conversation.status === 'closed'), 'closed push');

    // A plain agent never heard of a conversation that was not theirs while it waited.
    expect(inboxFor(agent2, conversation.id)).toEqual([]);
    // agent1 heard nothing while it was only waiting or ringing (the offer has its own push).
    expect(inboxFor(agent1, conversation.id)[0]?.conversation.status).toBe('assigned');
  });
});

describe('recording.ready push', () => {
  it('reaches the call agent and supervisors when a recording is stored, and not other agents or the visitor', async () => {
    t = await startTestServer();
    const call = await recordedCall(t);
    const supervisor = await connect(t, EMAILS.supervisor);
    const agent2 = await connect(t, EMAILS.agent2);
    const agent1 = agentConnection(t, call.cookies.agent1);
    conns.push(agent1.conn);
    const visitor = visitorConnection(t, call.visitorToken);
    conns.push(visitor.conn);
    await waitFor(() => agent1.pushes.some((m) => m.type === 'ready') && visitor.pushes.some((m) => m.type === 'ready'), 'sockets ready');

    const view = await t.server.compliance.recordings.register(
      { callId: call.callId, kind: 'composite', mime: 'video/webm', durationMs: 1000 },
      Readable.from([Buffer.from('not really webm, but bytes')]),
    );
    const ready = (rec: Recorder) =>
      rec.pushes.find((m): m is Extract<ServerMessage, { type: 'recording.ready' }> => m.type === 'recording.ready' && m.recording.id === view.id);
    const forAgent = await waitFor(() => ready(agent1), 'recording.ready to the call agent');
    expect(forAgent.recording).toMatchObject({ callId: call.callId, conversationId: call.conversationId, kind: 'composite' });
    await waitFor(() => ready(supervisor), 'recording.ready to the supervisor');
    // The push and the list agree: the dialog re-reads the list on this push.
    const list = await json<{ recordings: { id: string }[] }>(await api(t, call.cookies.agent1).get(`/api/conversations/${call.conversationId}/recordings`));
    expect(list.recordings.map((r) => r.id)).toContain(view.id);
    // Give any stray delivery time to arrive before asserting absence.
    await new Promise((r) => setTimeout(r, 200));
    expect(ready(agent2)).toBeUndefined();
    expect(visitor.pushes.some((m) => m.type === 'recording.ready')).toBe(false);
    call.close();
  });
});

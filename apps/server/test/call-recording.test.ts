import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallJoinInfo, CallView, RecordingPolicy } from '@visavis/protocol';
import { assignedConversation, MemoryRooms, startTestServer, waitFor, type Recorder, type TestServer } from './support.js';

const callEvents = (r: Recorder, conversationId: string) =>
  r.events.filter((e) => e.conversationId === conversationId && e.event.type.startsWith('call.')).map((e) => e.event);

describe('recorded calls: policy per skill group, notice, refusal when recording cannot start', () => {
  let t: TestServer;
  let rooms: MemoryRooms;
  const conns: { close(): void }[] = [];
  afterEach(async () => {
    for (const c of conns.splice(0)) c.close();
    await t?.stop();
  }, 30_000);

  async function setup(policy: RecordingPolicy, env: Record<string, string> = {}) {
    rooms = new MemoryRooms();
    t = await startTestServer(env, { callRooms: rooms });
    const { cookie, agent: recorder, visitor, conversation } = await assignedConversation(t, { subscribe: false });
    const agent = Object.assign(recorder, { cookie });
    conns.push(agent.conn, visitor.conn);
    const [g] = await t.server.db.query<{ id: string }>(`select id from skill_groups where name like 'General%'`);
    await t.server.db.query(
      'update skill_groups set recording_mode = $2, dual_recording = $3, recording_script = $4, visitor_local_recording = $5 where id = $1',
      [g!.id, policy.mode, policy.dual, JSON.stringify(policy.script), policy.visitorLocal],
    );
    await t.server.db.query('update conversations set group_id = $2 where id = $1', [conversation.id, g!.id]);
    visitor.conn.subscribe(conversation.id, 0);
    agent.conn.subscribe(conversation.id, 0);
    return { agent, visitor, conversation };
  }

  const callRow = async (id: string) =>
    (await t.server.db.query<{ recording_state: string; recording_dir: string | null; postprocess_state: string | null; end_reason: string | null }>(
      'select recording_state, recording_dir, postprocess_state, end_reason from calls where id = $1',
      [id],
    ))[0]!;

  it('records a call of a group whose policy is on: the room records into the call’s own directory, both sides are told', async () => {
    const { agent, visitor, conversation } = await setup({ mode: 'on', dual: false, script: [], visitorLocal: true });
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    expect(call.recording).toEqual({ mode: 'on', dual: false, state: 'off' });
    const ringing = await waitFor(() => callEvents(visitor, conversation.id).find((e) => e.type === 'call.ringing'), 'ringing');
    expect(ringing).toMatchObject({ recording: { mode: 'on', dual: false } });
    const { join } = await agent.conn.request<{ join: CallJoinInfo }>({ type: 'call.accept', callId: call.id });
    expect(join.recording).toEqual({ mode: 'on', dual: false, script: [], visitorLocal: true });
    const dir = path.join(t.dataDir, 'recordings-raw', call.id);
    expect(rooms.made).toEqual([{ callId: call.id, recordingDir: dir }]);
    expect((await stat(dir)).isDirectory()).toBe(true);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await callRow(call.id)).toMatchObject({ recording_state: 'starting', recording_dir: dir });

    // Hang-up hands the raw directory to post-processing; without any media it has nothing to
    // keep: the job marks it failed ("no media") and removes the empty directory.
    await visitor.conn.request({ type: 'call.hangup', callId: call.id });
    expect((await callRow(call.id)).postprocess_state).not.toBeNull();
    await waitFor(async () => ((await callRow(call.id)).postprocess_state === 'failed' ? true : undefined), 'post-processing to give up', 15_000);
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does not record a group whose policy is off', async () => {
    const { agent, visitor, conversation } = await setup({ mode: 'off', dual: false, script: [], visitorLocal: false });
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    expect(call.recording).toBeNull();
    const { join } = await agent.conn.request<{ join: CallJoinInfo }>({ type: 'call.accept', callId: call.id });
    expect(join.recording.mode).toBe('off');
    expect(rooms.made).toEqual([{ callId: call.id, recordingDir: null }]);
    expect((await callRow(call.id)).recording_state).toBe('off');
  });

  it('dual recording: the visitor must acknowledge the notice, whoever calls; the acknowledgment is audited', async () => {
    const script = ['Read the risk disclosure', 'Confirm identity'];
    const { agent, visitor, conversation } = await setup({ mode: 'mandatory', dual: true, script, visitorLocal: false });
    await expect(visitor.conn.request({ type: 'call.start', conversationId: conversation.id, media: 'video' })).rejects.toMatchObject({
      code: 'RECORDING_NOTICE_REQUIRED',
    });
    const { call } = await visitor.conn.request<{ call: CallView }>({
      type: 'call.start', conversationId: conversation.id, media: 'video', acknowledgeRecording: true,
    });
    const { join } = await agent.conn.request<{ join: CallJoinInfo }>({ type: 'call.accept', callId: call.id });
    expect(join.recording).toMatchObject({ mode: 'mandatory', dual: true, script });
    await agent.conn.request({ type: 'call.hangup', callId: call.id });

    // The agent calls: the visitor's answer must carry the acknowledgment.
    const second = await agent.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await expect(visitor.conn.request({ type: 'call.accept', callId: second.call.id })).rejects.toMatchObject({ code: 'RECORDING_NOTICE_REQUIRED' });
    await visitor.conn.request({ type: 'call.accept', callId: second.call.id, acknowledgeRecording: true });
    const acks = await t.server.db.query<{ target_id: string; actor_kind: string }>(
      `select target_id, actor_kind from audit_log where action = 'recording.notice_acknowledged' order by seq`,
    );
    expect(acks).toEqual([
      { target_id: call.id, actor_kind: 'visitor' },
      { target_id: second.call.id, actor_kind: 'visitor' },
    ]);
  });

  it('mandatory recording that cannot start: the answer is refused, the call ends "recording_failed", no room is made', async () => {
    const dataFile = path.join(await import('node:os').then((os) => os.tmpdir()), `vv-not-a-dir-${Date.now()}`);
    await writeFile(dataFile, 'x');
    const { agent, visitor, conversation } = await setup(
      { mode: 'mandatory', dual: false, script: [], visitorLocal: false },
      { RECORDING_RAW_DIR: dataFile },
    );
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await expect(agent.conn.request({ type: 'call.accept', callId: call.id })).rejects.toMatchObject({ code: 'RECORDING_UNAVAILABLE' });
    expect(rooms.made).toEqual([]);
    const ended = await waitFor(() => callEvents(visitor, conversation.id).find((e) => e.type === 'call.ended'), 'call ended');
    expect(ended).toMatchObject({ reason: 'recording_failed', by: 'system', durationMs: null });
    expect((await callRow(call.id)).end_reason).toBe('recording_failed');
  });

  it('recording "on" that cannot start: the call goes on unrecorded and the timeline says recording failed', async () => {
    const dataFile = path.join(await import('node:os').then((os) => os.tmpdir()), `vv-not-a-dir-on-${Date.now()}`);
    await writeFile(dataFile, 'x');
    const { agent, visitor, conversation } = await setup({ mode: 'on', dual: false, script: [], visitorLocal: false }, { RECORDING_RAW_DIR: dataFile });
    const { call } = await visitor.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await agent.conn.request({ type: 'call.accept', callId: call.id });
    expect(rooms.made).toEqual([{ callId: call.id, recordingDir: null }]);
    await waitFor(() => callEvents(visitor, conversation.id).find((e) => e.type === 'call.recording' && e.state === 'failed'), 'recording failed line');
    expect((await callRow(call.id)).recording_state).toBe('failed');
  });

  it('stamps a script mark on the server when the agent gives no time', async () => {
    const { agent, visitor, conversation } = await setup({ mode: 'mandatory', dual: true, script: ['Step one'], visitorLocal: false });
    const { call } = await agent.conn.request<{ call: CallView }>({ type: 'call.start', conversationId: conversation.id, media: 'video' });
    await visitor.conn.request({ type: 'call.accept', callId: call.id, acknowledgeRecording: true });
    await new Promise((r) => setTimeout(r, 300));
    const res = await fetch(`${t.url}/api/calls/${call.id}/marks`, {
      method: 'POST',
      headers: { cookie: agent.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Step one' }),
    });
    expect(res.status).toBe(200);
    const { mark } = (await res.json()) as { mark: { atMs: number; label: string } };
    expect(mark.label).toBe('Step one');
    expect(mark.atMs).toBeGreaterThanOrEqual(250);
    expect(mark.atMs).toBeLessThan(10_000);
  });
});

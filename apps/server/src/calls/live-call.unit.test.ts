// The LiveCall without a database or a media server: fake legs and a query-counting database
// show what a call live on this node serves by itself, and what closing it frees.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../identity/index.js';
import type { Database } from '../ports/database.js';
import type { MediaLegEvent, MediaServer, PublisherLeg, SubscriberLeg } from '../ports/media-server.js';
import { CallMedia } from './call-media.js';
import type { CallService } from './call-service.js';
import type { CallRow } from './call-store.js';
import type { MediaServerPool } from './media-pool.js';
import { LiveCalls, type LiveCallRecorder } from './live-call.js';

const row = (over: Partial<CallRow> = {}): CallRow => ({
  id: 'call-1', org_id: 'org-1', conversation_id: 'conv-1', media: 'video', profile: '720p', status: 'active',
  started_by: 'visitor', agent_id: 'agent-1', media_node: 'node-1', media_room: 'room-1', visitor_feed: null, agent_feed: null,
  created_at: '2024-01-01T00:00:00Z', ring_expires_at: '2024-01-01T00:00:30Z', answered_at: '2024-01-01T00:00:05Z', ended_at: null,
  ended_by: null, end_reason: null, recording_policy: null, recording_state: 'off', recording_dir: null, recording_started_at: null,
  notice_acknowledged_at: null, postprocess_state: null, ...over,
});
const parties = { visitorId: 'visitor-1', agentId: 'agent-1' };
const visitor: Principal = { kind: 'visitor', orgId: 'org-1', visitorId: 'visitor-1', sessionId: 's1' };
const agent: Principal = { kind: 'agent', orgId: 'org-1', agentId: 'agent-1', role: 'agent', name: 'A', sessionId: 's2' };

function fakeLeg() {
  const listeners: ((e: MediaLegEvent) => void)[] = [];
  return {
    roomId: 'room-1', feedId: 'feed-1', closed: false, offer: { type: 'offer' as const, sdp: 'v=0' },
    trickle: vi.fn(async () => {}), close: vi.fn(async () => {}), switchLayer: vi.fn(async () => {}),
    configure: vi.fn(async () => ({ answer: { type: 'answer' as const, sdp: 'v=0' } })),
    start: vi.fn(async () => {}), pause: vi.fn(async () => {}), resume: vi.fn(async () => {}),
    on: (l: (e: MediaLegEvent) => void) => (listeners.push(l), () => {}),
    emit: (e: MediaLegEvent) => listeners.forEach((l) => l(e)),
  };
}
const recorder = (): LiveCallRecorder => ({ start: vi.fn(), stop: vi.fn(), setSending: vi.fn() });

/** CallMedia over fakes: every database query is counted (the row answers the feed update). */
function fixture(over: Partial<CallRow> = {}) {
  const queries: string[] = [];
  const db = { query: async (sql: string) => (queries.push(sql), [row(over)]) } as unknown as Database;
  const publisher = fakeLeg();
  const subscriber = fakeLeg();
  const node = { nodeId: 'node-1', state: 'up', publish: vi.fn(async () => publisher), subscribe: vi.fn(async () => subscriber) };
  const pool = { node: () => node as unknown as MediaServer } as unknown as MediaServerPool;
  const calls = { push: vi.fn(async () => {}), endBySystem: vi.fn(async () => {}) };
  const media = new CallMedia(db, pool, calls as unknown as CallService, 1_000);
  const live = media.liveCalls.hold(row(over), parties);
  return { media, live, queries, publisher, calls, node };
}
const offer = { type: 'offer' as const, sdp: 'v=0' };

afterEach(() => vi.useRealTimers());

describe('LiveCall', () => {
  it('authorises its parties of its organisation, nobody after a hand-over or once closed', async () => {
    const calls = new LiveCalls();
    const live = calls.hold(row(), parties);
    expect(live.partyOf(visitor)).toBe('visitor');
    expect(live.partyOf(agent)).toBe('agent');
    expect(live.partyOf({ ...agent, agentId: 'agent-2' })).toBeNull();
    expect(live.partyOf({ ...visitor, orgId: 'org-2' })).toBeNull();
    expect(live.policy).toMatchObject({ media: 'video', profile: '720p', recordingRequired: false, mediaNode: 'node-1', mediaRoom: 'room-1' });

    calls.handOver('conv-1');
    expect(live.partyOf(visitor)).toBeNull();
    // Checked again: the same live call (with its legs) serves the parties as they are now.
    expect(calls.hold(row(), { visitorId: 'visitor-1', agentId: 'agent-2' })).toBe(live);
    expect(live.partyOf({ ...agent, agentId: 'agent-2' })).toBe('agent');

    await calls.close('call-1');
    expect(live.closed).toBe(true);
    expect(live.partyOf(visitor)).toBeNull();
    expect(calls.get('call-1')).toBeUndefined();
    expect(calls.hold(row(), parties)).not.toBe(live);
  });

  it('knows what a recorded call requires, and its recording as this node sees it', () => {
    const rec = recorder();
    const calls = new LiveCalls(rec);
    const policy = { mode: 'mandatory' as const, dual: true, script: [], visitorLocal: false };
    const live = calls.hold(row({ recording_policy: policy, recording_dir: '/rec/call-1' }), parties);
    expect(live.policy).toMatchObject({ recordingRequired: true, dual: true, recordingDir: '/rec/call-1' });
    expect(live.recording).toBe('idle');
    live.startRecording();
    expect(rec.start).toHaveBeenCalledWith('call-1', '/rec/call-1');
    expect(live.recording).toBe('starting');
    live.recordingIs('running');
    live.startRecording(); // a party publishing again: still running
    expect(live.recording).toBe('running');
    live.recordingIs('stalled');
    expect(live.recording).toBe('stalled');
  });

  it('closing cascades: legs hung up, grace timers cleared, recording no longer watched', async () => {
    const rec = recorder();
    const calls = new LiveCalls(rec);
    const live = calls.hold(row({ media_node: 'node-2' }), parties);
    calls.hold(row({ id: 'call-2' }), parties);
    const pub = fakeLeg();
    const sub = fakeLeg();
    const fired = vi.fn();
    const legs = live.legs.ensure('visitor');
    legs.publisher = pub as unknown as PublisherLeg;
    live.legs.ensure('agent').subscriber = sub as unknown as SubscriberLeg;
    vi.useFakeTimers();
    legs.grace = setTimeout(fired, 1_000) as unknown as NodeJS.Timeout;
    expect(calls.openLegs()).toBe(2);

    await calls.closeOnNode('node-2');
    expect(pub.close).toHaveBeenCalled();
    expect(sub.close).toHaveBeenCalled();
    expect(rec.stop).toHaveBeenCalledWith('call-1');
    vi.advanceTimersByTime(5_000);
    expect(fired).not.toHaveBeenCalled();
    expect(calls.openLegs()).toBe(0);
    expect(calls.get('call-1')).toBeUndefined();
    expect(calls.get('call-2')?.closed).toBe(false); // another node's call goes on
    await calls.closeAll();
    expect(calls.size).toBe(0);
  });
});

describe('CallMedia over a LiveCall', () => {
  it('serves trickle and stats with no database query, and switches the layer from the stats', async () => {
    const { media, live, queries, calls } = fixture();
    const sub = fakeLeg();
    live.legs.ensure('agent').subscriber = sub as unknown as SubscriberLeg;
    await media.stats(agent, 'call-1', { lossPct: 20, availableKbps: 300, freezeCount: 0, fps: 10, rttMs: 100 });
    expect(sub.switchLayer).toHaveBeenCalledWith({ substream: 0, temporal: 2 });
    expect(calls.push).toHaveBeenCalledWith(live.call, 'agent', { type: 'call.quality', callId: 'call-1', quality: 'poor', layer: 0 }, parties);
    await media.trickle(agent, 'call-1', 'subscribe', { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host' });
    expect(sub.trickle).toHaveBeenCalled();
    expect(queries).toEqual([]);
  });

  it('a party whose media dropped has its grace; the call ending closes its legs and clears the grace', async () => {
    const { media, live, publisher, calls } = fixture();
    await media.publish(visitor, 'call-1', { type: 'offer', sdp: 'v=0' }, true, true);
    expect(live.legs.of('visitor')?.publisher).toBe(publisher);
    vi.useFakeTimers();
    publisher.emit({ type: 'hangup', reason: 'ice failed' });
    expect(live.legs.of('visitor')?.grace).toBeDefined();

    await media.release('call-1');
    expect(publisher.close).toHaveBeenCalled();
    expect(media.openLegs()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls.endBySystem).not.toHaveBeenCalled();
    // A closed call authorises nobody: the next request goes back to the database.
    expect(live.partyOf(visitor)).toBeNull();
  });

  it('a leg closed because its media node was lost still ends the call', async () => {
    const { media, publisher, calls } = fixture();
    await media.publish(visitor, 'call-1', { type: 'offer', sdp: 'v=0' }, true, true);
    publisher.emit({ type: 'closed', reason: 'node_lost' });
    await media.nodeLost('node-1');
    expect(calls.endBySystem).toHaveBeenCalledWith('call-1', 'media_failed');
    expect(media.liveCalls.size).toBe(0);
  });

  it("names a feed to the other party once its media flows, and subscribes only to a feed that is up", async () => {
    const { media, live, publisher, calls, node } = fixture();
    const agentPublisher = { ...fakeLeg(), feedId: 'feed-2' };
    node.publish.mockResolvedValueOnce(publisher).mockResolvedValueOnce(agentPublisher);
    expect((await media.publish(visitor, 'call-1', offer, true, true)).peerFeed).toBeNull();
    // Published, not up: refused here, the media node is not asked (it would refuse too).
    await expect(media.subscribe(agent, 'call-1')).rejects.toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
    expect(node.subscribe).not.toHaveBeenCalled();

    publisher.emit({ type: 'webrtcup' });
    const feedPush = { type: 'call.feed', callId: 'call-1', available: true, feedId: 'feed-1' };
    await vi.waitFor(() => expect(calls.push).toHaveBeenCalledWith(live.call, 'agent', feedPush, parties));
    // The agent publishing now learns of the feed in the answer (and may subscribe at once).
    expect((await media.publish(agent, 'call-1', offer, true, true)).peerFeed).toBe('feed-1');
    await media.subscribe(agent, 'call-1');
    expect(node.subscribe).toHaveBeenCalledWith('room-1', 'feed-1');

    // The visitor's media drops: its feed is no longer offered.
    publisher.emit({ type: 'hangup', reason: 'dtls alert' });
    await expect(media.subscribe(agent, 'call-1')).rejects.toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
    await media.release('call-1');
  });

  it('a call that must be recorded holds an up feed until the recording runs', async () => {
    const policy = { mode: 'mandatory' as const, dual: true, script: [], visitorLocal: false };
    const { media, publisher, calls, node } = fixture({ recording_policy: policy, recording_dir: '/rec/call-1', recording_state: 'starting' });
    node.publish.mockResolvedValueOnce(publisher).mockResolvedValueOnce({ ...fakeLeg(), feedId: 'feed-2' });
    await media.publish(visitor, 'call-1', offer, true, true);
    publisher.emit({ type: 'webrtcup' });
    await expect(media.subscribe(agent, 'call-1')).rejects.toMatchObject({ code: 'RECORDING_UNAVAILABLE' });
    expect((await media.publish(agent, 'call-1', offer, true, true)).peerFeed).toBeNull();
    expect(node.subscribe).not.toHaveBeenCalled();
    expect(calls.push).not.toHaveBeenCalledWith(expect.anything(), 'agent', expect.objectContaining({ type: 'call.feed' }), expect.anything());
    await media.release('call-1');
  });
});

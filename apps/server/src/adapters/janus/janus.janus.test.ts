import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaServerError, type MediaLegEvent, type MediaNodeEvent } from '../../ports/media-server.js';
import {
  handWrittenOffer,
  janusUnavailableReason,
  startTestJanus,
  type TestJanus,
} from '../../test-support/janus.js';
import { JanusAdmin } from './janus-admin.js';
import { JanusMediaServer } from './janus-media-server.js';

// Real Janus, run inside a network namespace of the test's own (docs/media.md explains why).
const unavailable = await janusUnavailableReason();
if (unavailable && process.env.CI) throw new Error(`the janus suite cannot run: ${unavailable}`);
if (unavailable) console.warn(`[janus] skipped: ${unavailable}`);

/** Resolves with the first value for which `pick` answers something, or fails after ms. */
function waitFor<E, T>(
  subscribe: (l: (e: E) => void) => () => void,
  pick: (e: E) => T | undefined,
  ms = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`nothing matched within ${ms} ms`));
    }, ms);
    const stop = subscribe((e) => {
      const v = pick(e);
      if (v === undefined) return;
      clearTimeout(timer);
      stop();
      resolve(v);
    });
  });
}

async function expectMediaError(p: Promise<unknown>, code: string, serverCode?: number): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaServerError);
  expect((err as MediaServerError).code).toBe(code);
  if (serverCode !== undefined) expect((err as MediaServerError).serverCode).toBe(serverCode);
}

describe.skipIf(unavailable)('Janus media node', () => {
  let janus: TestJanus;
  let node: JanusMediaServer;
  let admin: JanusAdmin;
  const background: unknown[] = [];

  beforeAll(async () => {
    janus = await startTestJanus();
    node = new JanusMediaServer({ nodeId: 'janus-1', url: janus.url, onError: (e) => background.push(e) });
    const t0 = performance.now();
    await node.start();
    const started = janus.events.find((e) => e.type === 'started');
    console.log(
      `[janus] spawn to WebSocket answering: ${started?.type === 'started' ? started.readyMs : '?'} ms; ` +
        `connect + session + handle + room list: ${Math.round(performance.now() - t0)} ms`,
    );
    admin = await JanusAdmin.connect(janus.adminUrl, janus.adminSecret);
  });

  afterAll(async () => {
    await node?.close();
    admin?.close();
    await janus?.stop();
  });

  it('answers pings quickly', async () => {
    const rtts: number[] = [];
    for (let i = 0; i < 50; i++) rtts.push(await node.ping());
    rtts.sort((a, b) => a - b);
    console.log(
      `[janus] request round trip over the veth pair: median ${rtts[25]!.toFixed(2)} ms, max ${rtts[49]!.toFixed(2)} ms`,
    );
    expect(rtts[25]).toBeLessThan(50);
  });

  it('creates, lists and destroys rooms without leaking any', async () => {
    const before = (await node.listRooms()).map((r) => r.roomId);
    const room = await node.createRoom({
      maxPublishers: 2,
      bitrateCap: 512_000,
      videoCodecs: ['h264', 'vp8'],
      description: 'create-destroy',
    });
    expect(node.load()).toEqual({ rooms: 1, legs: 0 });
    const listed = (await node.listRooms()).find((r) => r.roomId === room.roomId);
    expect(listed).toMatchObject({
      description: 'create-destroy',
      maxPublishers: 2,
      participants: 0,
      recording: false,
    });

    await node.destroyRoom(room.roomId);
    expect((await node.listRooms()).map((r) => r.roomId)).toEqual(before);
    expect(node.load()).toEqual({ rooms: 0, legs: 0 });
    await node.destroyRoom(room.roomId); // already gone: not an error
  });

  it('turns Janus errors into typed errors and leaks no handle on failure', async () => {
    const room = await node.createRoom();
    await expectMediaError(node.publish('4242424242'), 'room_not_found', 426);
    await expectMediaError(node.subscribe('4242424242', '1'), 'room_not_found', 426);
    await expectMediaError(node.subscribe(room.roomId, '777'), 'feed_not_found', 428);
    // A publisher that joined but sends no media is no feed yet.
    const pub = await node.publish(room.roomId, { displayName: 'alice' });
    await expectMediaError(node.subscribe(room.roomId, pub.feedId), 'feed_not_found', 428);
    await expectMediaError(node.publish('not-a-room'), 'room_not_found');

    // Only our session, holding the control handle and the one publisher.
    const sessions = await admin.listSessions();
    expect(sessions).toHaveLength(1);
    expect(await admin.listHandles(sessions[0]!)).toHaveLength(2);
    await pub.close();
    expect(await admin.listHandles(sessions[0]!)).toHaveLength(1);
    await node.destroyRoom(room.roomId);
  });

  it('publishes with an SDP offer, trickles candidates both ways and reaches our candidate over the veth pair', async () => {
    const room = await node.createRoom({ description: 'publish' });
    const pub = await node.publish(room.roomId, { displayName: 'alice' });
    const events: MediaLegEvent[] = [];
    pub.on((e) => events.push(e));
    // Our "browser" is a UDP socket on the root-namespace end of the pair.
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, janus.netns.hostAddress, r));
    const stun = new Promise<Buffer>((resolve) => udp.once('message', resolve));
    try {
      const t0 = performance.now();
      const { answer } = await pub.configure({
        offer: { type: 'offer', sdp: handWrittenOffer() },
        audio: true,
        video: true,
      });
      console.log(`[janus] publisher configure (offer -> answer): ${Math.round(performance.now() - t0)} ms`);
      expect(answer?.type).toBe('answer');
      expect(answer?.sdp).toMatch(/m=video .*\r\n[\s\S]*a=rtpmap:96 VP8\/90000/);
      expect(answer?.sdp).toContain('a=recvonly');

      await pub.trickle({
        candidate: `candidate:1 1 udp 2122260223 ${janus.netns.hostAddress} ${udp.address().port} typ host`,
        sdpMid: '0',
        sdpMLineIndex: 0,
      });
      await pub.trickle(null);
      const packet = await stun;
      // A STUN Binding Request (type 0x0001, magic cookie 0x2112A442): Janus's ICE check.
      expect(packet.readUInt16BE(0)).toBe(0x0001);
      expect(packet.readUInt32BE(4)).toBe(0x2112a442);

      const candidates = events.flatMap((e) => (e.type === 'candidate' ? [e.candidate] : []));
      expect(candidates.some((c) => c?.candidate.includes(janus.netns.nsAddress))).toBe(true);
      expect(candidates.at(-1)).toBeNull();
    } finally {
      udp.close();
    }
    await pub.close();
    expect(pub.closed).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'closed', reason: 'closed' });
    await expectMediaError(pub.trickle(null), 'closed');
    await node.destroyRoom(room.roomId);
  });

  it('changes a publisher’s settings without an offer (control plane only)', async () => {
    const room = await node.createRoom();
    const pub = await node.publish(room.roomId);
    expect(await pub.configure({ audio: false, video: true, bitrate: 128_000 })).toEqual({ answer: null });
    await pub.close();
    await node.destroyRoom(room.roomId);
  });

  it('closes the legs of a destroyed room', async () => {
    const room = await node.createRoom();
    const pub = await node.publish(room.roomId);
    const closed = waitFor<MediaLegEvent, string>(
      (l) => pub.on(l),
      (e) => (e.type === 'closed' ? e.reason : undefined),
    );
    await node.destroyRoom(room.roomId);
    expect(await closed).toBe('room_destroyed');
    expect(node.load()).toEqual({ rooms: 0, legs: 0 });
    expect(background).toEqual([]);
  });
});

describe.skipIf(unavailable)('Janus crash and restart', () => {
  let janus: TestJanus;
  let node: JanusMediaServer;

  beforeAll(async () => {
    janus = await startTestJanus();
    node = new JanusMediaServer({ nodeId: 'janus-r', url: janus.url, reconnectDelayMs: () => 50 });
    await node.start();
  });

  afterAll(async () => {
    await node?.close();
    await janus?.stop();
  });

  it('reports the node lost, restarts Janus and reconnects naming the rooms that died', async () => {
    const room = await node.createRoom();
    const pub = await node.publish(room.roomId);
    const nodeEvents: MediaNodeEvent[] = [];
    node.on((e) => nodeEvents.push(e));
    const legClosed = waitFor<MediaLegEvent, string>(
      (l) => pub.on(l),
      (e) => (e.type === 'closed' ? e.reason : undefined),
    );
    const up = waitFor<MediaNodeEvent, MediaNodeEvent>(
      (l) => node.on(l),
      (e) => (e.type === 'up' ? e : undefined),
    );

    const t0 = performance.now();
    process.kill(janus.process.pid!, 'SIGKILL');
    expect(await legClosed).toBe('node_lost');
    expect(nodeEvents[0]).toMatchObject({ type: 'lost', nodeId: 'janus-r' });
    await expectMediaError(node.createRoom(), 'unavailable');

    expect(await up).toEqual({ type: 'up', nodeId: 'janus-r', roomsLost: [room.roomId] });
    console.log(`[janus] SIGKILL to reconnected after restart: ${Math.round(performance.now() - t0)} ms`);
    // The node may reconnect a moment before JanusProcess's own port probe reports the start.
    for (let i = 0; i < 100 && janus.events.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    expect(janus.events.map((e) => e.type)).toEqual(['started', 'exited', 'restarting', 'started']);
    expect(janus.events[1]).toMatchObject({ type: 'exited', signal: 'SIGKILL', expected: false });

    expect(node.state).toBe('up');
    const again = await node.createRoom();
    const pub2 = await node.publish(again.roomId);
    await pub2.close();
    await node.destroyRoom(again.roomId);
    expect(node.load()).toEqual({ rooms: 0, legs: 0 });
  });
});

import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { MediaServerError, type MediaNodeEvent } from '../../ports/media-server.js';
import { JanusConnection } from './connection.js';
import { JanusMediaServer } from './janus-media-server.js';
import { JANUS_PROTOCOL } from './wire.js';

// The transport rules of the adapter against an in-process WebSocket server on loopback that
// plays Janus (or fails to): timeouts, subprotocol, closes, error mapping, session loss.

type Msg = Record<string, unknown> & { janus: string; transaction?: string };
type Reply = (socket: WebSocket, m: Msg) => void;

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function fakeJanus(reply: Reply, speaksJanus = true): Promise<string> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (speaksJanus && protocols.has(JANUS_PROTOCOL) ? JANUS_PROTOCOL : false),
  });
  servers.push(wss);
  wss.on('connection', (socket) => socket.on('message', (d) => reply(socket, JSON.parse(String(d)) as Msg)));
  await new Promise((r) => wss.once('listening', r));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

const send = (socket: WebSocket, m: object) => socket.send(JSON.stringify(m));

/** Enough of Janus for JanusMediaServer to come up: sessions, handles, an empty room list. */
function minimalJanus(extra: (socket: WebSocket, m: Msg) => boolean = () => false): Reply {
  let id = 100;
  return (socket, m) => {
    if (extra(socket, m)) return;
    const t = m.transaction;
    if (m.janus === 'create' || m.janus === 'attach')
      return send(socket, { janus: 'success', transaction: t, data: { id: ++id } });
    if (m.janus === 'keepalive') return send(socket, { janus: 'ack', transaction: t });
    if (m.janus === 'message') {
      return send(socket, {
        janus: 'success',
        transaction: t,
        plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'success', list: [] } },
      });
    }
    send(socket, { janus: 'success', transaction: t });
  };
}

async function rejection(p: Promise<unknown>): Promise<MediaServerError> {
  const e = await p.then(
    () => new Error('expected a rejection'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MediaServerError);
  return e as MediaServerError;
}

describe('JanusConnection', () => {
  it('fails a request Janus never answers with a timeout, and ignores the late reply', async () => {
    const pendingReplies: Array<() => void> = [];
    const url = await fakeJanus((socket, m) =>
      pendingReplies.push(() => send(socket, { janus: 'success', transaction: m.transaction })),
    );
    const events: unknown[] = [];
    const conn = await JanusConnection.open({ url, protocol: JANUS_PROTOCOL });
    conn.onEvent((e) => events.push(e));
    const t0 = performance.now();
    const err = await rejection(conn.request({ janus: 'info' }, { timeoutMs: 100 }));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('info');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
    expect(performance.now() - t0).toBeLessThan(1_000);
    for (const r of pendingReplies) r();
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([]);
    conn.close();
  });

  it('refuses a server that does not speak janus-protocol', async () => {
    const url = await fakeJanus(() => {}, false);
    const err = await rejection(JanusConnection.open({ url, protocol: JANUS_PROTOCOL }));
    expect(err.code).toBe('unavailable');
  });

  it('waits past the ack for the event of an asynchronous request, in either order', async () => {
    const url = await fakeJanus((socket, m) => {
      const event = {
        janus: 'event',
        transaction: m.transaction,
        sender: 1,
        plugindata: { plugin: 'p', data: { ok: m.order } },
      };
      const ack = { janus: 'ack', transaction: m.transaction };
      for (const x of m.order === 'event-first' ? [event, ack] : [ack, event]) send(socket, x);
    });
    const conn = await JanusConnection.open({ url, protocol: JANUS_PROTOCOL });
    for (const order of ['ack-first', 'event-first']) {
      const reply = await conn.request({ janus: 'message', order });
      expect(reply.plugindata?.data).toEqual({ ok: order });
    }
    conn.close();
  });

  it('turns Janus core errors into typed errors with Janus’s code and reason', async () => {
    const url = await fakeJanus((socket, m) =>
      send(socket, {
        janus: 'error',
        transaction: m.transaction,
        error:
          m.janus === 'keepalive'
            ? { code: 458, reason: 'No such session 1' }
            : { code: 490, reason: 'Something odd' },
      }),
    );
    const conn = await JanusConnection.open({ url, protocol: JANUS_PROTOCOL });
    const gone = await rejection(conn.request({ janus: 'keepalive', session_id: 1 }, { ackIsFinal: true }));
    expect(gone).toMatchObject({ code: 'session_gone', serverCode: 458, serverReason: 'No such session 1' });
    const other = await rejection(conn.request({ janus: 'info' }));
    expect(other).toMatchObject({ code: 'rejected', serverCode: 490 });
    conn.close();
  });

  it('fails pending requests when the socket closes, and later ones at once', async () => {
    const url = await fakeJanus((socket) => socket.close(1011, 'going away'));
    const conn = await JanusConnection.open({ url, protocol: JANUS_PROTOCOL });
    const closed = new Promise<string>((r) => conn.onClose(r));
    const err = await rejection(conn.request({ janus: 'info' }, { timeoutMs: 5_000 }));
    expect(err.code).toBe('unavailable');
    expect(await closed).toContain('1011');
    expect((await rejection(conn.request({ janus: 'info' }))).code).toBe('unavailable');
  });
});

describe('JanusMediaServer session loss', () => {
  function nodeEvents(node: JanusMediaServer, type: MediaNodeEvent['type']): Promise<MediaNodeEvent> {
    return new Promise((resolve) => {
      const stop = node.on((e) => {
        if (e.type !== type) return;
        stop();
        resolve(e);
      });
    });
  }

  it('reports the node lost when Janus times the session out, then reconnects', async () => {
    let sockets = 0;
    const url = await fakeJanus(
      minimalJanus((socket, m) => {
        if (m.janus !== 'create') return false;
        sockets++;
        send(socket, { janus: 'success', transaction: m.transaction, data: { id: 7 } });
        // The first session times out right away, as if keepalives had stopped.
        if (sockets === 1) setTimeout(() => send(socket, { janus: 'timeout', session_id: 7 }), 20);
        return true;
      }),
    );
    const node = new JanusMediaServer({ nodeId: 'fake', url, reconnectDelayMs: () => 20 });
    const lost = nodeEvents(node, 'lost');
    await node.start();
    expect(await lost).toEqual({ type: 'lost', nodeId: 'fake', reason: 'session timed out on Janus' });
    expect(await nodeEvents(node, 'up')).toEqual({ type: 'up', nodeId: 'fake', roomsLost: [] });
    expect(node.state).toBe('up');
    await node.close();
    expect(node.state).toBe('closed');
    expect((await rejection(node.createRoom())).code).toBe('closed');
  });

  it('drops a connection whose keepalives go unanswered', async () => {
    const url = await fakeJanus(minimalJanus((_socket, m) => m.janus === 'keepalive'));
    const node = new JanusMediaServer({ nodeId: 'hung', url, keepaliveMs: 40, reconnectDelayMs: () => null });
    const lost = nodeEvents(node, 'lost');
    await node.start();
    expect(await lost).toMatchObject({ type: 'lost', reason: '2 keepalives unanswered' });
    expect((await rejection(node.listRooms())).code).toBe('unavailable');
    await node.close();
  });

  it('rejects start when nothing listens, and keeps retrying until closed', async () => {
    let connects = 0;
    const url = await fakeJanus(minimalJanus());
    servers[0]!.on('connection', () => connects++);
    const dead = new JanusMediaServer({
      nodeId: 'dead',
      url: 'ws://127.0.0.1:9',
      reconnectDelayMs: () => 10_000,
    });
    expect((await rejection(dead.start())).code).toBe('unavailable');
    expect(dead.state).toBe('lost');
    await dead.close();
    expect(connects).toBe(0);
    const alive = new JanusMediaServer({ nodeId: 'alive', url });
    await alive.start();
    expect(connects).toBe(1);
    expect(await alive.ping()).toBeLessThan(1_000);
    await alive.close();
  });
});

describe('JanusMediaServer subscriber legs (fake Janus)', () => {
  const plugin = (data: object) => ({ plugin: 'janus.plugin.videoroom', data });

  it('keeps the candidates Janus sends with the offer, starts, switches layers and reports feed_gone', async () => {
    const received: Msg[] = [];
    const url = await fakeJanus(
      minimalJanus((socket, m) => {
        if (m.janus !== 'message') return false;
        const body = m.body as Record<string, unknown>;
        received.push(m);
        const reply = (data: object, jsep?: object) =>
          send(socket, {
            janus: 'event',
            transaction: m.transaction,
            sender: m.handle_id,
            plugindata: plugin(data),
            jsep,
          });
        if (body.request === 'join') {
          send(socket, { janus: 'ack', transaction: m.transaction });
          reply(
            {
              videoroom: 'attached',
              room: 5,
              streams: [
                { type: 'audio', mid: '0' },
                { type: 'video', mid: '1', feed_id: 9 },
              ],
            },
            { type: 'offer', sdp: 'v=0\r\n' },
          );
          // Same socket write burst as the offer: before subscribe() has even returned.
          send(socket, {
            janus: 'trickle',
            sender: m.handle_id,
            session_id: m.session_id,
            candidate: {
              sdpMid: '0',
              sdpMLineIndex: 0,
              candidate: 'candidate:1 1 udp 1 10.0.0.1 4000 typ host',
            },
          });
          send(socket, {
            janus: 'trickle',
            sender: m.handle_id,
            session_id: m.session_id,
            candidate: { completed: true },
          });
        } else if (body.request === 'start') {
          reply({ videoroom: 'event', started: 'ok' });
          setTimeout(
            () => send(socket, { janus: 'webrtcup', sender: m.handle_id, session_id: m.session_id }),
            5,
          );
          setTimeout(
            () =>
              send(socket, {
                janus: 'event',
                sender: m.handle_id,
                session_id: m.session_id,
                plugindata: plugin({
                  videoroom: 'updated',
                  streams: [{ type: 'video', mid: '1', active: false }],
                }),
              }),
            10,
          );
        } else if (body.request === 'configure') {
          reply({ videoroom: 'event', configured: 'ok' });
        } else {
          send(socket, {
            janus: 'success',
            transaction: m.transaction,
            plugindata: plugin({ videoroom: 'success', list: [] }),
          });
        }
        return true;
      }),
    );
    const node = new JanusMediaServer({ nodeId: 'fake', url });
    await node.start();
    const sub = await node.subscribe('5', '9');
    expect(sub.offer).toEqual({ type: 'offer', sdp: 'v=0\r\n' });
    const events: unknown[] = [];
    sub.on((e) => events.push(e));
    expect(events).toEqual([
      {
        type: 'candidate',
        candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 4000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      },
      { type: 'candidate', candidate: null },
    ]);
    await sub.start({ type: 'answer', sdp: 'v=0\r\n' });
    await sub.switchLayer({ substream: 0, temporal: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(events.slice(2)).toEqual([{ type: 'webrtcup' }, { type: 'feed_gone', feedId: '9' }]);
    expect(received.map((m) => m.body)).toEqual([
      { request: 'list' },
      { request: 'join', ptype: 'subscriber', room: 5, streams: [{ feed: 9 }] },
      { request: 'start' },
      { request: 'configure', streams: [{ mid: '1', substream: 0, temporal: 1 }] },
    ]);
    expect(received[2]!.jsep).toEqual({ type: 'answer', sdp: 'v=0\r\n' });
    expect(node.load()).toEqual({ rooms: 0, legs: 1 });
    await sub.close();
    expect(node.load()).toEqual({ rooms: 0, legs: 0 });
    await node.close();
  });
});

import { describe, expect, it } from 'vitest';
import {
  MediaServerError,
  type MediaNodeEvent,
  type MediaNodeLoad,
  type MediaNodeState,
  type MediaServer,
} from '../ports/media-server.js';
import { chooseMediaNode, MediaServerPool, type MediaNodeSnapshot } from './media-pool.js';

const snap = (
  nodeId: string,
  legs: number,
  rooms = 0,
  healthy = true,
  maxLegs: number | null = null,
): MediaNodeSnapshot => ({
  nodeId,
  healthy,
  load: { legs, rooms },
  maxLegs,
});

describe('chooseMediaNode', () => {
  it('picks the healthy node with the fewest legs, then rooms, then list order', () => {
    expect(chooseMediaNode([snap('a', 8), snap('b', 4), snap('c', 4)])).toEqual({
      kind: 'node',
      nodeId: 'b',
      reason: 'least_loaded',
    });
    expect(chooseMediaNode([snap('a', 4, 2), snap('b', 4, 1)])).toMatchObject({ nodeId: 'b' });
    expect(chooseMediaNode([snap('a', 0, 0, false), snap('b', 40)])).toMatchObject({ nodeId: 'b' });
  });

  it('says why no node fits', () => {
    expect(chooseMediaNode([])).toEqual({ kind: 'none', reason: 'no_nodes' });
    expect(chooseMediaNode([snap('a', 0, 0, false)])).toEqual({ kind: 'none', reason: 'none_healthy' });
    expect(chooseMediaNode([snap('a', 97, 0, true, 100)])).toEqual({ kind: 'none', reason: 'all_full' });
    expect(chooseMediaNode([snap('a', 96, 0, true, 100)])).toMatchObject({ kind: 'node', nodeId: 'a' });
  });
});

/** A node whose state, load and ping outcome the test sets. */
class FakeNode implements Partial<MediaServer> {
  state: MediaNodeState = 'connecting';
  current: MediaNodeLoad = { rooms: 0, legs: 0 };
  pingOk = true;
  startOk = true;
  private listeners = new Set<(e: MediaNodeEvent) => void>();
  constructor(readonly nodeId: string) {}
  async start() {
    if (!this.startOk) {
      this.state = 'lost';
      throw new MediaServerError('unavailable', 'down');
    }
    this.state = 'up';
  }
  async ping() {
    if (!this.pingOk) throw new MediaServerError('timeout', 'no answer');
    return 1;
  }
  load() {
    return this.current;
  }
  on(l: (e: MediaNodeEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: MediaNodeEvent) {
    this.state = e.type;
    for (const l of this.listeners) l(e);
  }
  async close() {
    this.state = 'closed';
  }
}

const pool = (...nodes: FakeNode[]) =>
  new MediaServerPool(nodes as unknown as MediaServer[], { healthIntervalMs: 60_000 });

describe('MediaServerPool', () => {
  it('starts with the nodes that answer and spreads calls by load', async () => {
    const a = new FakeNode('a');
    const b = new FakeNode('b');
    const down = new FakeNode('down');
    down.startOk = false;
    const p = pool(a, b, down);
    expect(await p.start()).toBe(2);
    a.current = { rooms: 1, legs: 4 };
    expect(p.pick().nodeId).toBe('b');
    expect(p.node('a')).toBe(a);
    await p.close();
    expect(a.state).toBe('closed');
  });

  it('stops choosing a node that is lost or fails its health check, and takes it back when it recovers', async () => {
    const a = new FakeNode('a');
    const b = new FakeNode('b');
    b.current = { rooms: 5, legs: 20 };
    const events: MediaNodeEvent[] = [];
    const p = new MediaServerPool([a, b] as unknown as MediaServer[], { onNodeEvent: (e) => events.push(e) });
    await p.start();
    expect(p.pick().nodeId).toBe('a');

    a.emit({ type: 'lost', nodeId: 'a', reason: 'socket closed' });
    expect(p.pick().nodeId).toBe('b');
    a.emit({ type: 'up', nodeId: 'a', roomsLost: [] });
    expect(p.pick().nodeId).toBe('a');
    expect(events.map((e) => e.type)).toEqual(['lost', 'up']);

    a.pingOk = false;
    await p.checkHealth();
    expect(p.pick().nodeId).toBe('b');
    b.pingOk = false;
    await p.checkHealth();
    expect(() => p.pick()).toThrow(expect.objectContaining({ code: 'no_capacity' }));
    expect(p.available()).toBe(false);
    a.pingOk = true;
    await p.checkHealth();
    expect(p.pick().nodeId).toBe('a');
    await p.close();
  });

  it('refuses duplicate node ids', () => {
    expect(() => pool(new FakeNode('x'), new FakeNode('x'))).toThrow(/distinct/);
  });
});

import { describe, expect, it } from 'vitest';
import type { BusTopic, BusTopics } from '../../ports/event-bus.js';
import type { Principal } from '../../identity/principal.js';
import { agent, Fleet, message, settle, transferred, visitor } from './hub.fakes.js';

const allZero = (sizes: Record<string, number>) => Object.fromEntries(Object.keys(sizes).map((k) => [k, 0]));

describe('Hub indexes: nothing stays behind', () => {
  it('an unsubscribed, revoked or closed socket leaves every index (sizes back to 0)', async () => {
    const f = new Fleet();
    const a1 = f.connect('a1', agent('a1'));
    const sup = f.connect('sup', agent('sup', 'o1', 'supervisor'));
    const v1 = f.connect('v1', visitor('v1'));
    for (const id of ['c1', 'c2', 'c3']) {
      f.store.visitorOf.set(id, 'v1');
      for (const { c } of [a1, sup, v1]) await f.hub.subscribe(c, id, 0);
    }
    expect(f.hub.indexSizes()).toMatchObject({ 'subscriptions.conversations': 3, 'subscriptions.visitors': 1, 'subscriptions.orgs': 1 });

    f.hub.unsubscribe(a1.c, 'c1');
    f.hub.unsubscribe(a1.c, 'c1'); // twice changes nothing
    // a1 loses c2 with a transfer: told, and dropped from the indexes.
    f.store.readable = (p, id) => !(p.kind === 'agent' && p.agentId === 'a1' && id === 'c2');
    f.bus.emit('conversation.event', { ...transferred('c2', 1), orgId: 'o1' });
    await settle();
    expect(a1.socket.types()).toContain('conversation.unsubscribed');
    f.hub.unsubscribe(a1.c, 'c3');
    expect(f.hub.indexSizes()).toMatchObject({ 'subscriptions.visitors': 0, 'subscriptions.orgs': 0, 'subscriptions.connections': 2 });

    f.disconnect('sup');
    f.disconnect('sup'); // the close event twice
    f.bus.emit('visitor.session_revoked', { orgId: 'o1', visitorId: 'v1', sessionId: 'vs-v1' }); // closes v1, which has subscriptions
    f.bus.emit('agent.access_changed', { agentId: 'a1' });
    expect(v1.socket.closedWith).toBe(4001);
    expect(f.hub.size).toBe(0);
    expect(f.hub.indexSizes()).toEqual(allZero(f.hub.indexSizes()));
  });

  it('a subscribe that completes after its socket closed indexes nothing', async () => {
    const f = new Fleet();
    const a1 = f.connect('a1', agent('a1'));
    let open!: () => void;
    f.store.gate = new Promise<void>((r) => (open = r));
    const pending = f.hub.subscribe(a1.c, 'c1', 0);
    f.disconnect('a1');
    open();
    await pending;
    expect(f.hub.indexSizes()).toEqual(allZero(f.hub.indexSizes()));
  });

  it('keeps nothing from 1,000 sockets that subscribed, were pushed to and left', async () => {
    const f = new Fleet();
    for (let i = 0; i < 1_000; i++) {
      const { c } = f.connect(`k${i}`, i % 2 ? visitor(`v${i % 50}`, `o${i % 3}`) : agent(`a${i % 70}`, `o${i % 3}`, i % 10 ? 'agent' : 'supervisor'));
      await f.hub.subscribe(c, `c${i % 200}`, 0);
    }
    for (let i = 0; i < 200; i++) f.bus.emit('conversation.event', { ...(i % 4 ? message(`c${i}`, 1) : transferred(`c${i}`, 1)), orgId: `o${i % 3}` });
    await settle();
    for (let i = 0; i < 1_000; i += 2) f.disconnect(`k${i}`);
    for (let i = 1; i < 1_000; i += 2) f.hub.unsubscribe(f.live.get(`k${i}`)!.c, `c${i % 200}`);
    expect(f.hub.indexSizes()).toMatchObject({ 'subscriptions.conversations': 0, 'subscriptions.connections': 0, connections: 500 });
    for (let i = 1; i < 1_000; i += 2) f.disconnect(`k${i}`);
    expect(f.hub.indexSizes()).toEqual(allZero(f.hub.indexSizes()));
  });
});

describe('Hub indexes: a push examines its followers only', () => {
  /**
   * 1,000 sockets in 10 organisations (per organisation: 60 agents, 6 of them supervisors, and 40
   * visitors), each following a conversation of its own. A socket counts as examined when anything
   * reads its principal or its subscriptions (all a delivery rule can look at), sends to it or
   * closes it.
   */
  async function crowd() {
    const f = new Fleet();
    const touched = new Set<string>();
    const watch = (name: string, p: Principal): Principal =>
      new Proxy(p, { get: (t, k, r) => (touched.add(name), Reflect.get(t, k, r)) });
    for (let i = 0; i < 1_000; i++) {
      const org = `o${i % 10}`;
      const j = Math.floor(i / 10);
      const name = `k${i}`;
      const p = j < 60 ? agent(`a${i}`, org, j < 6 ? 'supervisor' : 'agent') : visitor(`v${i}`, org);
      const { c } = f.connect(name, watch(name, p));
      f.store.visitorOf.set(`c${i}`, `v${i}`);
      await f.hub.subscribe(c, `c${i}`, 0);
      const subs = c.subs;
      const [get, has] = [subs.get.bind(subs), subs.has.bind(subs)];
      subs.get = (k) => (touched.add(name), get(k));
      subs.has = (k) => (touched.add(name), has(k));
    }
    await settle();
    /**
     * Emits one event; answers the sockets examined (read, sent to or closed) and those reached
     * (sent something or closed).
     */
    const push = <T extends BusTopic>(topic: T, payload: BusTopics[T]) => {
      touched.clear();
      f.clear();
      const before = [...f.live.keys()];
      f.bus.emit(topic, payload);
      const reached = before.filter((n) => !f.live.has(n) || f.socket(n).sent.length > 0);
      return { examined: [...new Set([...touched, ...reached])].sort(), reached: reached.sort() };
    };
    return { f, push, touched };
  }

  it('1,000 connected: each push looks at the sockets it is for, not at 1,000', async () => {
    const { push } = await crowd();
    // k7 is a supervisor of o7 (j = 0); k307 an agent of o7; k807 a visitor of o7.
    const supervisorsOfO7 = Array.from({ length: 6 }, (_, j) => `k${j * 10 + 7}`).sort();

    let r = push('conversation.event', { ...message('c807', 1), orgId: 'o7' });
    expect(r).toEqual({ examined: ['k807'], reached: ['k807'] });
    r = push('conversation.typing', { orgId: 'o7', conversationId: 'c307', by: 'visitor', typing: true });
    expect(r).toEqual({ examined: ['k307'], reached: ['k307'] });
    r = push('inbox.updated', { orgId: 'o7', agentId: 'a307', conversation: {} as never });
    expect(r).toEqual({ examined: [...supervisorsOfO7, 'k307'].sort(), reached: [...supervisorsOfO7, 'k307'].sort() });
    r = push('presence.changed', { orgId: 'o7', agentId: 'a307', presence: 'online' as never });
    expect(r.examined).toHaveLength(60);
    expect(r.reached).toEqual(r.examined);
    r = push('queue.position', { visitorId: 'v807', conversationId: 'c807', position: 2, etaSeconds: 30, closed: false } as never);
    expect(r).toEqual({ examined: ['k807'], reached: ['k807'] });
    r = push('offer.ringing', { orgId: 'o7', agentId: 'a307', offer: {} as never });
    expect(r).toEqual({ examined: ['k307'], reached: ['k307'] });
    r = push('call.push', { orgId: 'o7', to: 'visitor', visitorId: 'v807', agentId: 'a307', message: { type: 'call.ended' } as never });
    expect(r).toEqual({ examined: ['k807'], reached: ['k807'] });
    r = push('recording.ready', { orgId: 'o7', agentIds: ['a307', 'a317'], recording: {} as never });
    expect(r).toEqual({ examined: [...supervisorsOfO7, 'k307', 'k317'].sort(), reached: [...supervisorsOfO7, 'k307', 'k317'].sort() });
  });

  it('an access-changing event looks at the conversation’s followers, then only at readers of its visitor', async () => {
    const { f, push, touched } = await crowd();
    f.store.visitorOf.set('c317', 'v307'); // k317 (an agent of o7) follows another conversation of k307's visitor
    f.hub.unsubscribe(f.live.get('k317')!.c, 'c317');
    await f.hub.subscribe(f.live.get('k317')!.c, 'c317', 0);
    await settle();
    f.store.visitorOf.set('c307', 'v307');
    const r = push('conversation.event', { ...transferred('c307', 1), orgId: 'o7' });
    expect(r).toEqual({ examined: ['k307', 'k317'], reached: ['k307'] }); // k317: its organisation read
    const reads = f.store.reads.length;
    await settle();
    expect(f.store.reads.slice(reads).sort()).toEqual(['c307', 'c317']); // both re-checked
    expect(touched.size).toBeLessThan(5);
  });

  it('revocations and access changes close the named sockets, examining only those', async () => {
    const { f, push } = await crowd();
    const closedNow = (names: string[]) => names.filter((n) => !f.live.has(n));
    let r = push('agent.session_revoked', { agentId: 'a307', sessionId: 's-a307' });
    expect(r).toEqual({ examined: ['k307'], reached: ['k307'] });
    expect(closedNow(['k307', 'k317'])).toEqual(['k307']);
    r = push('visitor.session_revoked', { orgId: 'o7', visitorId: 'v807', sessionId: 'vs-v807' });
    expect(r).toEqual({ examined: ['k807'], reached: ['k807'] });
    r = push('agent.access_changed', { agentId: 'a317' });
    expect(r).toEqual({ examined: ['k317'], reached: ['k317'] });
    expect(closedNow(['k307', 'k317', 'k807'])).toEqual(['k307', 'k317', 'k807']);
    expect(f.hub.size).toBe(997);
  });
});

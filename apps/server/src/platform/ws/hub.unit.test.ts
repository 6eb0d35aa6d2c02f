import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '@visavis/protocol';
import type { BusTopic, BusTopics } from '../../ports/event-bus.js';
import { isSupervisor, type Principal } from '../../identity/principal.js';
import { agent, Fleet, message, settle, transferred, visitor } from './hub.fakes.js';

/** o1: agents a1 (two sockets) and a2, supervisor sup, admin adm, visitors v1 and v2; o2: agent b1, supervisor sup2, visitor w1. */
function office() {
  const f = new Fleet();
  f.connect('a1', agent('a1'));
  f.connect('a1-tab2', agent('a1', 'o1', 'agent', 's-a1-tab2'));
  f.connect('a2', agent('a2'));
  f.connect('sup', agent('sup', 'o1', 'supervisor'));
  f.connect('adm', agent('adm', 'o1', 'admin'));
  f.connect('v1', visitor('v1'));
  f.connect('v2', visitor('v2'));
  f.connect('b1', agent('b1', 'o2'));
  f.connect('sup2', agent('sup2', 'o2', 'supervisor'));
  f.connect('w1', visitor('w1', 'o2'));
  return f;
}

const summary = { id: 'c1' } as unknown as BusTopics['inbox.updated']['conversation'];
const callMessage = { type: 'call.ended', callId: 'k1' } as unknown as BusTopics['call.push']['message'];

describe('Hub: each push reaches exactly the sockets it is for', () => {
  it('inbox: the agent named and the organisation’s supervisors and admins, once each', () => {
    const f = office();
    f.bus.emit('inbox.updated', { orgId: 'o1', agentId: 'a1', conversation: summary });
    expect(f.got('inbox.updated')).toEqual(['a1', 'a1-tab2', 'adm', 'sup']);
    f.clear();
    f.bus.emit('inbox.updated', { orgId: 'o1', agentId: 'sup', conversation: summary });
    expect(f.got('inbox.updated')).toEqual(['adm', 'sup']);
    f.clear();
    f.bus.emit('inbox.updated', { orgId: 'o1', agentId: null, conversation: summary });
    expect(f.got('inbox.updated')).toEqual(['adm', 'sup']);
    f.clear();
    f.bus.emit('inbox.updated', { orgId: 'o2', agentId: 'a1', conversation: summary }); // not a1's organisation
    expect(f.got('inbox.updated')).toEqual(['sup2']);
  });

  it('presence to every agent of the organisation; queue places to the visitor’s sockets', () => {
    const f = office();
    f.bus.emit('presence.changed', { orgId: 'o2', agentId: 'b1', presence: 'online' as never });
    expect(f.got('presence.changed')).toEqual(['b1', 'sup2']);
    f.bus.emit('queue.position', { visitorId: 'v2', conversationId: 'c9', position: 1, etaSeconds: 10, closed: false } as never);
    expect(f.got('queue.position')).toEqual(['v2']);
  });

  it('offers to the agent in its organisation; call pushes to the addressee in its organisation', () => {
    const f = office();
    f.bus.emit('offer.ringing', { orgId: 'o1', agentId: 'a2', offer: {} as never });
    f.bus.emit('offer.ringing', { orgId: 'o2', agentId: 'a2', offer: {} as never });
    expect(f.got('offer.ringing')).toEqual(['a2']);
    f.bus.emit('offer.ended', { orgId: 'o1', agentId: 'a1', offerId: 'x', status: 'declined' });
    expect(f.got('offer.ended')).toEqual(['a1', 'a1-tab2']);
    f.bus.emit('call.push', { orgId: 'o1', to: 'visitor', visitorId: 'v1', agentId: 'a1', message: callMessage });
    f.bus.emit('call.push', { orgId: 'o1', to: 'agent', visitorId: 'v1', agentId: 'a2', message: callMessage });
    f.bus.emit('call.push', { orgId: 'o2', to: 'visitor', visitorId: 'v1', agentId: null, message: callMessage });
    f.bus.emit('call.push', { orgId: 'o1', to: 'agent', visitorId: null, agentId: null, message: callMessage });
    expect(f.got('call.ended')).toEqual(['a2', 'v1']);
  });

  it('recordings to the organisation’s supervisors and the agents listed, once each', () => {
    const f = office();
    f.bus.emit('recording.ready', { orgId: 'o1', agentIds: ['a2', 'a2', 'sup', 'b1'], recording: {} as never });
    expect(f.got('recording.ready')).toEqual(['a2', 'adm', 'sup']);
  });

  it('revocations close that session’s sockets; an access change closes all of the agent’s', () => {
    const f = office();
    const tab2 = f.socket('a1-tab2');
    const v1 = f.socket('v1');
    f.bus.emit('agent.session_revoked', { agentId: 'a1', sessionId: 's-a1-tab2' });
    f.bus.emit('visitor.session_revoked', { orgId: 'o1', visitorId: 'v1', sessionId: 'vs-v1' });
    f.bus.emit('agent.session_revoked', { agentId: 'v2', sessionId: 'vs-v2' }); // a visitor session is not an agent's
    expect([tab2.closedWith, v1.closedWith]).toEqual([4001, 4001]);
    expect([...f.live.keys()].sort()).toEqual(['a1', 'a2', 'adm', 'b1', 'sup', 'sup2', 'v2', 'w1']);
    f.connect('a1-tab3', agent('a1', 'o1', 'admin', 's-a1-tab3'));
    const a1 = f.socket('a1');
    const tab3 = f.socket('a1-tab3');
    f.bus.emit('agent.access_changed', { agentId: 'a1' });
    expect([a1.closedWith, tab3.closedWith]).toEqual([4003, 4003]);
    expect(f.hub.size).toBe(7);
    expect(f.hub.connectedVisitorIds().sort()).toEqual(['v2', 'w1']);
  });

  it('conversation events and typing to the conversation’s followers only, typing not to its author', async () => {
    const f = office();
    for (const name of ['a1', 'v1', 'sup']) await f.hub.subscribe(f.live.get(name)!.c, 'c1', 0);
    await f.hub.subscribe(f.live.get('a2')!.c, 'c2', 0);
    f.bus.emit('conversation.event', { ...message('c1', 1), orgId: 'o1' });
    expect(f.got('conversation.event')).toEqual(['a1', 'sup', 'v1']);
    f.bus.emit('conversation.typing', { orgId: 'o1', conversationId: 'c1', by: 'visitor', typing: true });
    expect(f.got('typing')).toEqual(['a1', 'sup']);
    f.hub.unsubscribe(f.live.get('sup')!.c, 'c1');
    f.bus.emit('conversation.typing', { orgId: 'o1', conversationId: 'c1', by: 'agent', typing: true });
    f.bus.emit('conversation.event', { ...message('c1', 2), orgId: 'o1' });
    expect(f.got('typing')).toEqual(['a1', 'sup', 'v1']);
    expect(f.got('conversation.event')).toEqual(['a1', 'a1', 'sup', 'v1', 'v1']);
  });
});

describe('Hub: access re-checked as before', () => {
  it('a reader who lost access with a transfer is told and leaves the index; the others keep following', async () => {
    const f = office();
    for (const name of ['a1', 'sup']) await f.hub.subscribe(f.live.get(name)!.c, 'c1', 0);
    f.store.events.set('c1', [transferred('c1', 1), message('c1', 2)]);
    f.store.readable = (p) => p.kind !== 'agent' || p.agentId !== 'a1';
    f.bus.emit('conversation.event', { ...transferred('c1', 1), orgId: 'o1' });
    f.bus.emit('conversation.event', { ...message('c1', 2), orgId: 'o1' });
    await settle();
    expect(f.socket('a1').sent.map((m) => m.type)).toEqual(['conversation.event', 'conversation.unsubscribed']);
    expect(f.socket('sup').sent.map((m) => m.type)).toEqual(['conversation.event', 'conversation.event']);
    f.clear();
    f.bus.emit('conversation.typing', { orgId: 'o1', conversationId: 'c1', by: 'visitor', typing: true });
    expect(f.got('typing')).toEqual(['sup']);
    expect(f.hub.indexSizes()['subscriptions.conversations']).toBe(1);
  });

  it('an access change in one conversation re-checks assignment-bound agents on the visitor’s others', async () => {
    const f = office();
    for (const c of ['c1', 'c2', 'c3']) f.store.visitorOf.set(c, 'v1');
    f.store.visitorOf.set('c4', 'v2');
    await f.hub.subscribe(f.live.get('a1')!.c, 'c2', 0);
    await f.hub.subscribe(f.live.get('a2')!.c, 'c4', 0); // another visitor's
    await f.hub.subscribe(f.live.get('sup')!.c, 'c3', 0); // a supervisor reads regardless
    await f.hub.subscribe(f.live.get('b1')!.c, 'c3', 0); // another organisation's agent
    f.store.reads = [];
    // Nobody follows c1 here: its visitor is read from the store.
    f.bus.emit('conversation.event', { ...transferred('c1', 1), orgId: 'o1' });
    await settle();
    expect(f.store.visitorLookups).toBe(1);
    expect(f.store.reads).toEqual(['c2']);
    // Followed here: the visitor comes from the local subscription, no lookup.
    await f.hub.subscribe(f.live.get('v1')!.c, 'c1', 1);
    f.store.reads = [];
    f.bus.emit('conversation.event', { ...transferred('c1', 2), orgId: 'o1' });
    await settle();
    expect(f.store.visitorLookups).toBe(1);
    expect(f.store.reads.sort()).toEqual(['c1', 'c2']);
  });

  it('reads nothing when no agent who reads by assignment follows another conversation', async () => {
    const f = office();
    f.store.visitorOf.set('c1', 'v1');
    await f.hub.subscribe(f.live.get('sup')!.c, 'c2', 0);
    await f.hub.subscribe(f.live.get('a1')!.c, 'c1', 0);
    f.bus.emit('conversation.event', { ...transferred('c1', 1), orgId: 'o1' });
    f.bus.emit('conversation.event', { ...transferred('c9', 1), orgId: 'o2' });
    await settle();
    expect(f.store.visitorLookups).toBe(0);
  });
});

/** The rules as the hub applied them when it scanned every socket, kept here as the oracle. */
function scanned(topic: BusTopic, m: never, p: Principal, follows: (conversationId: string) => boolean): ServerMessage | 'close' | null {
  const a = p.kind === 'agent' ? p : null;
  const v = p.kind === 'visitor' ? p : null;
  switch (topic) {
    case 'conversation.typing': {
      const t = m as BusTopics['conversation.typing'];
      return p.kind !== t.by && follows(t.conversationId) ? { type: 'typing', conversationId: t.conversationId, by: t.by, typing: t.typing } : null;
    }
    case 'inbox.updated': {
      const x = m as BusTopics['inbox.updated'];
      return a && a.orgId === x.orgId && (a.agentId === x.agentId || isSupervisor(a)) ? { type: 'inbox.updated', conversation: x.conversation } : null;
    }
    case 'presence.changed': {
      const x = m as BusTopics['presence.changed'];
      return a && a.orgId === x.orgId ? { type: 'presence.changed', agentId: x.agentId, presence: x.presence } : null;
    }
    case 'offer.ringing': {
      const x = m as BusTopics['offer.ringing'];
      return a && a.orgId === x.orgId && a.agentId === x.agentId ? { type: 'offer.ringing', offer: x.offer } : null;
    }
    case 'call.push': {
      const x = m as BusTopics['call.push'];
      if (p.orgId !== x.orgId) return null;
      return (x.to === 'visitor' && v?.visitorId === x.visitorId) || (x.to === 'agent' && a?.agentId === x.agentId) ? x.message : null;
    }
    case 'recording.ready': {
      const x = m as BusTopics['recording.ready'];
      return a && a.orgId === x.orgId && (isSupervisor(a) || x.agentIds.includes(a.agentId)) ? { type: 'recording.ready', recording: x.recording } : null;
    }
    case 'agent.session_revoked':
      return a && a.sessionId === (m as BusTopics['agent.session_revoked']).sessionId ? 'close' : null;
    case 'visitor.session_revoked':
      return v && v.sessionId === (m as BusTopics['visitor.session_revoked']).sessionId ? 'close' : null;
    case 'agent.access_changed':
      return a && a.agentId === (m as BusTopics['agent.access_changed']).agentId ? 'close' : null;
    default:
      throw new Error(topic);
  }
}

describe('Hub: the indexes deliver what scanning every socket delivered', () => {
  it('agrees with the scan on 1,500 random pushes over sockets that come and go', async () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n); // Park–Miller: repeatable
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const orgs = ['o1', 'o2', 'o3'];
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const [agents, visitors, sessions, convs] = [ids('a', 12), ids('v', 12), ids('s', 60), ids('c', 6)];
    const principal = (): Principal =>
      rnd(2) === 0 ? agent(pick(agents), pick(orgs), pick(['agent', 'supervisor', 'admin'] as const), pick(sessions)) : visitor(pick(visitors), pick(orgs), pick(sessions));
    const f = new Fleet();
    let n = 0;
    const connect = async () => {
      const { c } = f.connect(`k${n++}`, principal());
      for (const id of convs) if (rnd(3) === 0) await f.hub.subscribe(c, id, 0);
    };
    for (let i = 0; i < 150; i++) await connect();
    const events: [BusTopic, () => unknown][] = [
      ['conversation.typing', () => ({ orgId: pick(orgs), conversationId: pick(convs), by: pick(['visitor', 'agent']), typing: rnd(2) === 0 })],
      ['inbox.updated', () => ({ orgId: pick(orgs), agentId: rnd(4) === 0 ? null : pick(agents), conversation: { id: pick(convs) } })],
      ['presence.changed', () => ({ orgId: pick(orgs), agentId: pick(agents), presence: 'online' })],
      ['offer.ringing', () => ({ orgId: pick(orgs), agentId: pick(agents), offer: { id: rnd(1000) } })],
      ['call.push', () => ({ orgId: pick(orgs), to: pick(['visitor', 'agent']), visitorId: rnd(5) ? pick(visitors) : null, agentId: rnd(5) ? pick(agents) : null, message: { type: 'call.ended', callId: `k${rnd(9)}` } })],
      ['recording.ready', () => ({ orgId: pick(orgs), agentIds: [pick(agents), pick(agents)], recording: { id: rnd(99) } })],
      ['agent.session_revoked', () => ({ agentId: pick(agents), sessionId: pick(sessions) })],
      ['visitor.session_revoked', () => ({ orgId: pick(orgs), visitorId: pick(visitors), sessionId: pick(sessions) })],
      ['agent.access_changed', () => ({ agentId: pick(agents) })],
    ];
    const wrong: string[] = [];
    for (let i = 0; i < 1_500; i++) {
      const [topic, make] = events[rnd(20) === 0 ? 6 + rnd(3) : rnd(6)]!;
      const payload = make() as never;
      const expected = new Map(
        [...f.live].map(([name, { c }]) => [name, scanned(topic, payload, c.principal, (id) => c.subs.has(id))] as const),
      );
      const sockets = new Map([...f.live].map(([name, { socket }]) => [name, socket] as const));
      f.clear();
      f.bus.emit(topic, payload);
      for (const [name, socket] of sockets) {
        const want = expected.get(name);
        const ok = want === 'close' ? socket.closedWith !== null : JSON.stringify(socket.sent) === JSON.stringify(want ? [want] : []);
        if (!ok) wrong.push(`${topic} ${JSON.stringify(payload)} → ${name}: got ${JSON.stringify(socket.sent)}, want ${JSON.stringify(want)}`);
      }
      while (f.live.size < 150) await connect();
    }
    expect(wrong).toEqual([]);
    for (const name of [...f.live.keys()]) f.disconnect(name);
    expect(Object.values(f.hub.indexSizes()).every((size) => size === 0), JSON.stringify(f.hub.indexSizes())).toBe(true);
  });
});

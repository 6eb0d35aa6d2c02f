// Test doubles for the hub's unit tests (hub*.unit.test.ts): a synchronous bus, a conversation
// store with switches, sockets that record what they were sent. Not used by the server.
import type { Role, SequencedEvent, ServerMessage } from '@visavis/protocol';
import { AppError } from '../errors.js';
import type { BusTopic, BusTopics, EventBus } from '../../ports/event-bus.js';
import type { BlobUrls, ConversationService } from '../../conversations/index.js';
import type { Principal } from '../../identity/index.js';
import { Hub, type ClientConnection } from './hub.js';

type Handler = (payload: never) => void;

/** Delivers at once, in the publisher's turn: a test sees every push as soon as it emits. */
export class SyncBus implements EventBus {
  private readonly handlers = new Map<BusTopic, Set<Handler>>();

  emit<T extends BusTopic>(topic: T, payload: BusTopics[T]): void {
    for (const h of [...(this.handlers.get(topic) ?? [])]) (h as (p: BusTopics[T]) => void)(structuredClone(payload));
  }

  async publish<T extends BusTopic>(topic: T, payload: BusTopics[T]): Promise<void> {
    this.emit(topic, payload);
  }

  subscribe<T extends BusTopic>(topic: T, handler: (payload: BusTopics[T]) => void): () => void {
    const set = this.handlers.get(topic) ?? new Set<Handler>();
    this.handlers.set(topic, set);
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  async close(): Promise<void> {}
}

/** Conversations with a visitor each; who may read what is a switch; reads are counted. */
export class FakeConversations {
  visitorOf = new Map<string, string>();
  events = new Map<string, SequencedEvent[]>();
  readable: (p: Principal, conversationId: string) => boolean = () => true;
  /** While set, access checks wait for it (a subscribe in flight). */
  gate: Promise<void> | null = null;
  reads: string[] = [];
  visitorLookups = 0;

  async readableVisitorId(p: Principal, conversationId: string): Promise<string> {
    if (this.gate) await this.gate;
    if (!this.readable(p, conversationId)) throw new AppError('NOT_FOUND');
    return this.visitorOf.get(conversationId) ?? `visitor-of-${conversationId}`;
  }

  async eventsAfter(p: Principal, conversationId: string, afterSeq: number, limit: number): Promise<SequencedEvent[]> {
    this.reads.push(conversationId);
    await new Promise((r) => setImmediate(r));
    if (!this.readable(p, conversationId)) throw new AppError('NOT_FOUND');
    return (this.events.get(conversationId) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
  }

  async visitorIdOf(conversationId: string): Promise<string | null> {
    this.visitorLookups++;
    return this.visitorOf.get(conversationId) ?? null;
  }
}

export class FakeSocket {
  sent: ServerMessage[] = [];
  closedWith: number | null = null;
  bufferedAmount = 0;
  constructor(
    readonly name: string,
    private readonly onClose: () => void,
  ) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ServerMessage);
  }
  close(code: number): void {
    this.closedWith = code;
    this.onClose(); // what the gateway does on the socket's close event
  }
  types(): string[] {
    return this.sent.map((m) => m.type);
  }
}

export const agent = (agentId: string, orgId = 'o1', role: Role = 'agent', sessionId = `s-${agentId}`): Principal =>
  ({ kind: 'agent', orgId, agentId, role, name: agentId, sessionId });

export const visitor = (visitorId: string, orgId = 'o1', sessionId = `vs-${visitorId}`): Principal =>
  ({ kind: 'visitor', orgId, visitorId, sessionId });

export const message = (conversationId: string, seq: number): SequencedEvent => ({
  conversationId, seq, at: '2026-01-01T00:00:00Z',
  event: { type: 'message', messageId: `${conversationId}-${seq}`, clientMsgId: null, author: { kind: 'visitor', id: null, name: null }, kind: 'text', text: `m${seq}`, attachment: null },
});

export const transferred = (conversationId: string, seq: number): SequencedEvent => ({
  conversationId, seq, at: '2026-01-01T00:00:00Z',
  event: { type: 'conversation.transferred', from: { id: 'a1', name: 'A' }, to: { kind: 'agent', id: 'a2', name: 'B' }, note: 'internal' },
});

/** A hub over the fakes; a socket closed (by the hub or the test) is removed as the gateway does. */
export class Fleet {
  readonly bus = new SyncBus();
  readonly store = new FakeConversations();
  readonly errors: unknown[] = [];
  readonly hub: Hub;
  readonly live = new Map<string, { c: ClientConnection; socket: FakeSocket }>();

  constructor() {
    const urls = { present: (e: SequencedEvent) => e } as unknown as BlobUrls;
    this.hub = new Hub(this.bus, this.store as unknown as ConversationService, urls, (e) => this.errors.push(e));
  }

  connect(name: string, principal: Principal): { c: ClientConnection; socket: FakeSocket } {
    const entry = { c: null as unknown as ClientConnection, socket: new FakeSocket(name, () => this.disconnect(name)) };
    entry.c = this.hub.add(principal, entry.socket);
    this.live.set(name, entry);
    return entry;
  }

  disconnect(name: string): void {
    const entry = this.live.get(name);
    if (!entry) return;
    this.live.delete(name);
    this.hub.remove(entry.c);
  }

  socket(name: string): FakeSocket {
    const s = this.live.get(name)?.socket;
    if (!s) throw new Error(`no live socket ${name}`);
    return s;
  }

  /** Names of live sockets sent a message of this type since the last `clear`, each once per message. */
  got(type: string): string[] {
    return [...this.live.entries()].flatMap(([name, { socket }]) => socket.sent.filter((m) => m.type === type).map(() => name)).sort();
  }

  clear(): void {
    for (const { socket } of this.live.values()) socket.sent = [];
  }
}

export const settle = () => new Promise((r) => setTimeout(r, 20));

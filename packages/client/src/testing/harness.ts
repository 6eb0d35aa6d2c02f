/** Test-only: a Connection wired to a FakeServer over real sockets, with what it emitted. */
import WebSocket from 'ws';
import type { SequencedEvent, ServerMessage } from '@visavis/protocol';
import {
  Connection,
  type ConnectionOptions,
  type ConnectionStatus,
  type WebSocketLike,
} from '../connection.js';
import type { VisavisError } from '../errors.js';
import { waitFor, type FakeServer } from './fake-server.js';

export const nodeSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;

export interface Observed {
  c: Connection;
  statuses: ConnectionStatus[];
  events: SequencedEvent[];
  messages: ServerMessage[];
  authFailures: VisavisError[];
  /** seq numbers delivered for one conversation, in delivery order. */
  seqs(conversationId: string): number[];
  open(): Promise<void>;
}

const created: Connection[] = [];

/** Connects with a valid token and a fast fixed back-off unless told otherwise. */
export function connectTo(server: FakeServer, opts: Partial<ConnectionOptions> = {}): Observed {
  const c = new Connection({
    url: server.url,
    token: 'good-token',
    createSocket: nodeSocket,
    reconnectPolicy: () => 20,
    ...opts,
  });
  created.push(c);
  const o: Observed = {
    c,
    statuses: [],
    events: [],
    messages: [],
    authFailures: [],
    seqs: (id) => o.events.filter((e) => e.conversationId === id).map((e) => e.seq),
    open: async () => {
      await waitFor(() => c.status === 'open', 'the connection to be open');
    },
  };
  c.on('status', (s) => o.statuses.push(s));
  c.on('event', (e) => o.events.push(e));
  c.on('message', (m) => o.messages.push(m));
  c.on('auth-failed', (e) => o.authFailures.push(e));
  return o;
}

/** Closes every Connection made by connectTo (call in afterEach). */
export function closeAll(): void {
  for (const c of created.splice(0)) c.close();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Connection, requestJson, type WebSocketLike } from '@visavis/client';
import type { CallProfile, ConversationSummary, SequencedEvent, ServerMessage, VisitorSessionResponse } from '@visavis/protocol';
import type { CallRooms } from '../src/calls/call-service.js';
import { loadConfig } from '../src/platform/config.js';
import { DEMO_SITE_KEY } from '../src/seed.js';
import { startServer, type RunningServer, type ServerOverrides } from '../src/server.js';

export const DEMO_PASSWORD = 'test-password-123';

export interface TestServer {
  server: RunningServer;
  url: string;
  wsUrl: string;
  dataDir: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A real server on a free port with a fresh embedded database (or DATABASE_URL if given). */
export async function startTestServer(env: Record<string, string> = {}, overrides: ServerOverrides = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-server-test-'));
  const boot = (port: number) =>
    startServer(
      // No embedded Janus unless a test asks for one: media tests place it in a namespace.
      // LOAD_SHED_TARGET_MS: the suites run several servers on a small shared machine, whose stalls
      // must not turn a test's command into an OVERLOADED refusal; overload.test.ts and the
      // LoadShedder's unit tests exercise shedding itself.
      loadConfig({
        PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_PASSWORD, INACTIVITY_MINUTES: '60', JANUS_BIN: 'off',
        LOAD_SHED_TARGET_MS: '10000', ...env,
      }),
      undefined,
      overrides,
    );
  let server = await boot(0);
  const port = new URL(server.url).port;
  const t: TestServer = {
    server,
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws') + '/ws',
    dataDir,
    async restart() {
      await server.stop();
      server = await boot(Number(port));
      t.server = server;
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export async function visitorSession(t: TestServer, extra: object = {}): Promise<VisitorSessionResponse> {
  return requestJson(
    { baseUrl: t.url },
    'POST',
    '/api/visitor/session',
    { siteKey: DEMO_SITE_KEY, ...extra },
  );
}

/** Logs an agent in and answers the session cookie header value. */
export async function agentLogin(t: TestServer, email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login failed ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export function wsFactory(headers: Record<string, string> = {}) {
  return (url: string) => new WebSocket(url, { headers }) as unknown as WebSocketLike;
}

/** A client connection that records every conversation event and push it receives. */
export class Recorder {
  readonly events: SequencedEvent[] = [];
  readonly pushes: ServerMessage[] = [];
  constructor(readonly conn: Connection) {
    conn.on('event', (e) => this.events.push(e));
    conn.on('message', (m) => this.pushes.push(m));
  }
  texts(conversationId?: string): string[] {
    return this.events
      .filter((e) => !conversationId || e.conversationId === conversationId)
      .flatMap((e) => (e.event.type === 'message' ? [e.event.text] : []));
  }
}

export function visitorConnection(t: TestServer, token: string): Recorder {
  return new Recorder(new Connection({ url: t.wsUrl, token, createSocket: wsFactory(), reconnectPolicy: () => 50 }));
}

export function agentConnection(t: TestServer, cookie: string): Recorder {
  return new Recorder(new Connection({ url: t.wsUrl, createSocket: wsFactory({ cookie }), reconnectPolicy: () => 50 }));
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw socket for boundary tests: sends exactly what the test gives it. */
export async function rawSocket(t: TestServer, headers: Record<string, string> = {}) {
  const ws = new WebSocket(t.wsUrl, { headers });
  const received: Record<string, unknown>[] = [];
  ws.on('message', (d) => received.push(JSON.parse(String(d)) as Record<string, unknown>));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, received, closed };
}

/**
 * Call rooms in memory (the Janus-backed rooms are tested in the janus project): remembers each
 * room made and whether it was asked to record, and can be switched unavailable.
 */
export class MemoryRooms implements CallRooms {
  readonly live = new Set<string>();
  readonly made: { callId: string; recordingDir: string | null }[] = [];
  up = true;
  get created(): number {
    return this.made.length;
  }
  available(): boolean {
    return this.up;
  }
  async create(callId: string, _profile: CallProfile, options: { recordingDir?: string | null } = {}) {
    this.made.push({ callId, recordingDir: options.recordingDir ?? null });
    const room = `room-${callId}`;
    this.live.add(room);
    return { node: 'mem-1', room };
  }
  async destroy(_node: string, room: string): Promise<void> {
    this.live.delete(room);
  }
}

/**
 * agent1 online and a new visitor whose conversation agent1 was assigned, both connected and
 * (with `subscribe`) following the conversation's events.
 */
export async function assignedConversation(t: TestServer, opts: { subscribe?: boolean } = {}) {
  const cookie = await agentLogin(t, 'agent1@demo.visavis.local');
  const agent = agentConnection(t, cookie);
  await agent.conn.request({ type: 'presence.set', presence: 'online' });
  const session = await visitorSession(t);
  const visitor = visitorConnection(t, session.visitorToken);
  const { conversation } = await visitor.conn.request<{ conversation: ConversationSummary }>({ type: 'conversation.start' });
  await waitFor(() => agent.pushes.find((m) => m.type === 'inbox.updated' && m.conversation.status === 'assigned'), 'assignment');
  if (opts.subscribe ?? true) {
    visitor.conn.subscribe(conversation.id, 0);
    agent.conn.subscribe(conversation.id, 0);
  }
  return { cookie, agent, visitor, visitorToken: session.visitorToken, conversation };
}

// Benchmark visitors and agents: the client SDK (packages/client) over real WebSockets, used as
// the widget and the workspace use it, plus the bookkeeping that turns their traffic into figures.
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Connection, newClientMsgId, requestJson, VisavisError, type WebSocketLike } from '@visavis/client';
import type {
  AgentProfile,
  ConversationSummary,
  SequencedEvent,
  ServerMessage,
  VisitorSessionResponse,
} from '@visavis/protocol';
import { Samples } from '../lib/report.js';

export type Direction = 'visitor→agent' | 'agent→visitor';

interface SentMessage {
  dir: Direction;
  t0: number;
  received: number;
  acked: boolean;
  failed: boolean;
}

/** Every message sent, matched to its receipt by clientMsgId (both ends live in this process). */
export class Tracker {
  readonly latency: Record<Direction, Samples> = {
    'visitor→agent': new Samples(),
    'agent→visitor': new Samples(),
  };
  readonly ack = new Samples();
  readonly sentBy: Record<Direction, number> = { 'visitor→agent': 0, 'agent→visitor': 0 };
  readonly errors = new Map<string, number>();
  /** Error frames the server sent without the request's rid: the SDK cannot settle the request. */
  readonly errorsWithoutRid = new Map<string, number>();
  private readonly sent = new Map<string, SentMessage>();
  outstanding = 0;
  duplicates = 0;
  unexpected = 0;
  rawDuplicateFrames = 0;
  reconnects = 0;
  /** Overload mode: when the overload phase ends (0 = no overload phase). */
  overloadEndsAt = 0;
  /** Latency by when the message was sent: during the overload, the 5 s after it, later. */
  readonly phase = { overload: new Samples(), recovering: new Samples(), recovered: new Samples() };
  /** OVERLOADED error frames (the SDK resends those requests), before and after the overload ends. */
  readonly refusals = { overload: 0, after: 0 };
  firstSendAt = Infinity;
  lastReceiveAt = 0;
  /** Set before teardown: what happens after (DISCONNECTED rejections) is not the server's doing. */
  private frozen = false;

  get sentCount(): number {
    return this.sent.size;
  }

  send(conn: Connection, conversationId: string, dir: Direction, text: string): void {
    const clientMsgId = newClientMsgId();
    const t0 = performance.now();
    const m: SentMessage = { dir, t0, received: 0, acked: false, failed: false };
    this.sent.set(clientMsgId, m);
    this.sentBy[dir]++;
    this.outstanding++;
    this.firstSendAt = Math.min(this.firstSendAt, t0);
    conn.request({ type: 'message.send', conversationId, clientMsgId, text }).then(
      () => {
        m.acked = true;
        this.ack.add(performance.now() - t0);
      },
      (e: unknown) => {
        if (this.frozen) return;
        const code = e instanceof VisavisError ? e.code : String(e);
        this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
        if (m.received === 0 && !m.failed) this.outstanding--;
        m.failed = true;
      },
    );
  }

  receive(ev: SequencedEvent, dir: Direction): void {
    if (ev.event.type !== 'message' || this.frozen) return;
    const now = performance.now();
    const m = ev.event.clientMsgId ? this.sent.get(ev.event.clientMsgId) : undefined;
    if (!m || m.dir !== dir) {
      this.unexpected++;
      return;
    }
    if (++m.received > 1) {
      this.duplicates++;
      return;
    }
    if (!m.failed) this.outstanding--;
    this.latency[dir].add(now - m.t0);
    if (this.overloadEndsAt > 0) {
      const when = m.t0 < this.overloadEndsAt ? 'overload' : m.t0 < this.overloadEndsAt + 5_000 ? 'recovering' : 'recovered';
      this.phase[when].add(now - m.t0);
    }
    this.lastReceiveAt = now;
  }

  /**
   * Stops counting and answers the messages never received: `lost` were stored (acked) but never
   * pushed to the other side, `unanswered` got neither an ack nor an error nor a push.
   */
  freeze(): { lost: number; unanswered: number } {
    this.frozen = true;
    let lost = 0;
    let unanswered = 0;
    for (const m of this.sent.values()) {
      if (m.received > 0 || m.failed) continue;
      if (m.acked) lost++;
      else unanswered++;
    }
    return { lost, unanswered };
  }

  /** Counts frames for the same (conversation, seq) twice on one socket; the SDK drops them. */
  watchFrames(conn: Connection): void {
    const seen = new Set<string>();
    conn.on('message', (m: ServerMessage) => {
      if (m.type === 'error' && !m.rid)
        this.errorsWithoutRid.set(m.code, (this.errorsWithoutRid.get(m.code) ?? 0) + 1);
      if (m.type === 'error' && m.code === 'OVERLOADED') {
        if (this.overloadEndsAt === 0 || performance.now() < this.overloadEndsAt) this.refusals.overload++;
        else this.refusals.after++;
      }
      if (m.type !== 'conversation.event') return;
      const key = `${m.conversationId}:${m.seq}`;
      if (seen.has(key)) this.rawDuplicateFrames++;
      else seen.add(key);
    });
    conn.on('status', (s) => s === 'reconnecting' && this.reconnects++);
  }
}

/** Setup timings per phase, and per conversation the moments assignment became visible. */
export class Setup {
  readonly phases = new Map<string, Samples>();
  readonly convs = new Map<
    string,
    { start?: number; visitorAssigned?: number; agentInbox?: number; agentReady?: number }
  >();
  readonly problems: string[] = [];

  time<T>(phase: string, p: Promise<T>): Promise<T> {
    const t0 = performance.now();
    return p.then((v) => {
      let s = this.phases.get(phase);
      if (!s) this.phases.set(phase, (s = new Samples()));
      s.add(performance.now() - t0);
      return v;
    });
  }

  conv(id: string) {
    let c = this.convs.get(id);
    if (!c) this.convs.set(id, (c = {}));
    return c;
  }
}

const wsFactory =
  (headers: Record<string, string> = {}) =>
  (url: string) =>
    new WebSocket(url, { headers }) as unknown as WebSocketLike;

function waitReady(conn: Connection): Promise<void> {
  return new Promise((resolve) => {
    const off = conn.on('ready', () => {
      off();
      resolve();
    });
  });
}

/** fetch for requestJson from another loopback source address (each address has its own rate limit). */
function fetchFrom(localAddress: string): typeof fetch {
  return ((input: string, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const req = httpRequest(
        input,
        { method: init.method, headers: init.headers as Record<string, string>, localAddress },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(
              new Response(Buffer.concat(chunks).toString(), {
                status: res.statusCode ?? 500,
                statusText: res.statusMessage ?? '',
              }),
            ),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(init.body as string | undefined);
    })) as typeof fetch;
}

const pad = (s: string, size: number) => (s.length >= size ? s : s + ' ' + 'x'.repeat(size - s.length - 1));

export class BenchAgent {
  conn!: Connection;
  profile!: AgentProfile;
  conversations = 0;
  offersAccepted = 0;
  private sentCount = 0;
  private readonly following = new Set<string>();

  constructor(
    private readonly baseUrl: string,
    private readonly email: string,
    private readonly password: string,
    private readonly tracker: Tracker,
    private readonly setup: Setup,
    private readonly textSize: number,
  ) {}

  /** Login (cookie), WebSocket with that cookie, live list, presence online: the workspace's start. */
  async start(): Promise<void> {
    const res = await this.setup.time(
      'agent login (HTTP)',
      fetch(`${this.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: this.email, password: this.password }),
      }),
    );
    if (!res.ok) throw new Error(`login of ${this.email} failed: ${res.status} ${await res.text()}`);
    this.profile = ((await res.json()) as { agent: AgentProfile }).agent;
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const http = {
      baseUrl: this.baseUrl,
      fetchImpl: ((u: string, i: RequestInit = {}) =>
        fetch(u, { ...i, headers: { ...(i.headers as object), cookie } })) as typeof fetch,
    };

    this.conn = new Connection({
      url: this.baseUrl.replace(/^http/, 'ws') + '/ws',
      createSocket: wsFactory({ cookie }),
    });
    this.tracker.watchFrames(this.conn);
    this.conn.on('message', (m) => {
      if (m.type === 'inbox.updated') this.onInbox(m.conversation);
      // Servers whose routing rings agents (offers) without auto-accept: accept, as the workspace's
      // button would. Typed loosely so this compiles with and without offers in the protocol.
      const ring = m as { type: string; offer?: { id?: string } };
      if (ring.type === 'offer.ringing' && ring.offer?.id) {
        this.offersAccepted++;
        this.conn.request({ type: 'offer.accept', offerId: ring.offer.id } as never).catch(() => {});
      }
    });
    this.conn.on('event', (e) => this.onEvent(e));
    await this.setup.time('agent WebSocket ready', waitReady(this.conn));
    await requestJson(http, 'GET', '/api/agent/conversations?scope=live');
    await this.setup.time(
      'agent presence online (HTTP)',
      requestJson(http, 'PUT', '/api/me/presence', { presence: 'online' }),
    );
  }

  private onInbox(c: ConversationSummary): void {
    if (c.agentId !== this.profile.id || c.status === 'closed' || this.following.has(c.id)) return;
    this.following.add(c.id);
    this.conversations++;
    this.setup.conv(c.id).agentInbox ??= performance.now();
    this.conn.subscribe(c.id, 0);
  }

  private onEvent(e: SequencedEvent): void {
    if (e.event.type === 'conversation.assigned' && e.event.agent.id === this.profile.id) {
      this.setup.conv(e.conversationId).agentReady ??= performance.now();
    } else if (e.event.type === 'message' && e.event.author.kind === 'visitor') {
      this.tracker.receive(e, 'visitor→agent');
      const text = pad(`re ${this.profile.name} #${++this.sentCount}`, this.textSize);
      this.tracker.send(this.conn, e.conversationId, 'agent→visitor', text);
    }
  }

  close(): void {
    this.conn?.close();
  }
}

export class BenchVisitor {
  conn!: Connection;
  conversationId = '';
  assignedTo = '';
  /** True once the visitor has sent everything it was asked to (or was stopped). */
  finished = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly index: number,
    private readonly baseUrl: string,
    private readonly siteKey: string,
    private readonly tracker: Tracker,
    private readonly setup: Setup,
  ) {}

  /** HTTP session, WebSocket with the visitor token, conversation.start, subscribe: the widget's start. */
  async start(): Promise<void> {
    // The server allows 60 visitor sessions a minute per address: 50 per loopback address here.
    const block = Math.floor(this.index / 50);
    const http = {
      baseUrl: this.baseUrl,
      ...(block > 0 ? { fetchImpl: fetchFrom(`127.0.0.${1 + block}`) } : {}),
    };
    const session = await this.setup.time(
      'visitor session (HTTP)',
      requestJson<VisitorSessionResponse>(http, 'POST', '/api/visitor/session', {
        siteKey: this.siteKey,
        language: 'en',
        pageUrl: `https://bench.example/p/${this.index}`,
      }),
    );
    this.conn = new Connection({
      url: this.baseUrl.replace(/^http/, 'ws') + '/ws',
      token: session.visitorToken,
      createSocket: wsFactory(),
    });
    this.tracker.watchFrames(this.conn);
    this.conn.on('event', (e) => this.onEvent(e));
    await this.setup.time('visitor WebSocket ready', waitReady(this.conn));
    const t0 = performance.now();
    const { conversation } = await this.setup.time(
      'conversation.start (ack)',
      this.conn.request<{ conversation: ConversationSummary }>({
        type: 'conversation.start',
        language: 'en',
      }),
    );
    this.conversationId = conversation.id;
    this.setup.conv(conversation.id).start = t0;
    this.conn.subscribe(conversation.id, 0);
  }

  private onEvent(e: SequencedEvent): void {
    if (e.event.type === 'conversation.assigned') {
      this.assignedTo = e.event.agent.id;
      this.setup.conv(e.conversationId).visitorAssigned ??= performance.now();
    } else if (e.event.type === 'message' && e.event.author.kind === 'agent') {
      this.tracker.receive(e, 'agent→visitor');
    }
  }

  /**
   * Open loop: one message every 1/rate s from a random phase, until endAt or `count` messages;
   * with `overload`, at its rate until its end first.
   */
  startSending(rate: number, endAt: number, count: number, textSize: number, overload: { rate: number; until: number } | null = null): void {
    const rateAt = (t: number) => (overload && t < overload.until ? overload.rate : rate);
    let next = performance.now() + Math.random() * (1000 / rateAt(performance.now()));
    let k = 0;
    const tick = () => {
      if (performance.now() >= endAt || (count > 0 && k >= count)) {
        this.finished = true;
        return;
      }
      this.tracker.send(
        this.conn,
        this.conversationId,
        'visitor→agent',
        pad(`visitor ${this.index} #${++k}`, textSize),
      );
      next += 1000 / rateAt(next);
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    this.timer = setTimeout(tick, next - performance.now());
  }

  stopSending(): void {
    clearTimeout(this.timer);
    this.finished = true;
  }

  close(): void {
    this.stopSending();
    this.conn?.close();
  }
}

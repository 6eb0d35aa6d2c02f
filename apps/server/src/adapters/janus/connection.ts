import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { MediaServerError } from '../../ports/media-server.js';
import { Listeners } from './listeners.js';
import { janusError, WireMessage } from './wire.js';

/**
 * One WebSocket to Janus (API or admin API) with a transaction table: every request carries a
 * fresh transaction id, and its promise settles on the matching reply, on timeout, or when the
 * socket closes. Messages that match no pending request are events, handed to `onEvent`.
 */
export interface ConnectionOptions {
  url: string;
  /** `janus-protocol` or `janus-admin-protocol` (see wire.ts). */
  protocol: string;
  /** Default time a request may take, reply included. */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Added to every request: `apisecret` for the API, `admin_secret` for the admin API. */
  secret?: { field: string; value: string };
  /** Malformed messages and listener failures (never thrown into the socket's read loop). */
  onError?: (e: unknown) => void;
}

export interface RequestOptions {
  timeoutMs?: number;
  /**
   * Asynchronous requests (`message` to a plugin) are acknowledged at once (`ack`) and answered
   * later by an `event` with the same transaction; for `keepalive` and `trickle` the ack is the
   * answer.
   */
  ackIsFinal?: boolean;
  /** Says what failed, in error messages. */
  what?: string;
}

interface Pending {
  resolve(m: WireMessage): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  ackIsFinal: boolean;
  what: string;
}

export class JanusConnection {
  private readonly pending = new Map<string, Pending>();
  private readonly events: Listeners<WireMessage>;
  private readonly closes: Listeners<string>;
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;
  private closedReason: string | null = null;

  private constructor(
    private readonly ws: WebSocket,
    private readonly opts: ConnectionOptions,
  ) {
    const onError = opts.onError ?? (() => {});
    this.events = new Listeners(onError);
    this.closes = new Listeners(onError);
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('close', (code, reason) =>
      this.closed(`socket closed (${code}${reason.length ? ` ${String(reason)}` : ''})`),
    );
    ws.on('error', (e) => this.closed(`socket error: ${e.message}`));
  }

  static open(opts: ConnectionOptions): Promise<JanusConnection> {
    const timeoutMs = opts.connectTimeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(opts.url, opts.protocol, { handshakeTimeout: timeoutMs });
      const fail = (e: Error) => {
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(new MediaServerError('unavailable', `cannot connect to ${opts.url}: ${e.message}`));
      };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.removeListener('error', fail);
        // Janus closes at once a socket whose subprotocol it does not serve; say so clearly.
        if (ws.protocol !== opts.protocol)
          return fail(new Error(`server did not accept subprotocol ${opts.protocol}`));
        resolve(new JanusConnection(ws, opts));
      });
    });
  }

  get isOpen(): boolean {
    return this.closedReason === null;
  }

  /** Sends `body` with a new transaction; resolves with the reply, rejects with MediaServerError. */
  request(body: Record<string, unknown>, opts: RequestOptions = {}): Promise<WireMessage> {
    const what = opts.what ?? String(body.janus);
    if (this.closedReason !== null) {
      return Promise.reject(new MediaServerError('unavailable', `${what}: ${this.closedReason}`));
    }
    const transaction = `${this.prefix}-${++this.counter}`;
    const message = {
      ...body,
      transaction,
      ...(this.opts.secret ? { [this.opts.secret.field]: this.opts.secret.value } : {}),
    };
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs ?? 10_000;
    return new Promise<WireMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new MediaServerError('timeout', `${what}: no answer from Janus within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(transaction, { resolve, reject, timer, ackIsFinal: opts.ackIsFinal === true, what });
      this.ws.send(JSON.stringify(message), (err) => {
        if (err)
          this.settle(
            transaction,
            new MediaServerError('unavailable', `${what}: send failed: ${err.message}`),
          );
      });
    });
  }

  onEvent(listener: (m: WireMessage) => void): () => void {
    return this.events.add(listener);
  }

  /** Called once, with the reason, when the socket closes for whatever cause. */
  onClose(listener: (reason: string) => void): () => void {
    return this.closes.add(listener);
  }

  /** Closes the socket; pending requests fail with `closed`. */
  close(): void {
    this.closed('closed by client', 'closed');
    this.ws.close(1000);
    // A peer that does not complete the closing handshake must not keep the socket (and the
    // process) alive.
    setTimeout(() => this.ws.terminate(), 1_000).unref();
  }

  /** Drops the socket at once, as a dead peer would (used when keepalives go unanswered). */
  terminate(reason: string): void {
    this.closed(reason);
    this.ws.terminate();
  }

  private receive(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.opts.onError?.(
        new MediaServerError('protocol', `Janus sent a message that is not JSON: ${text.slice(0, 200)}`),
      );
      return;
    }
    const parsed = WireMessage.safeParse(raw);
    const transaction =
      typeof (raw as { transaction?: unknown })?.transaction === 'string'
        ? (raw as { transaction: string }).transaction
        : undefined;
    if (!parsed.success) {
      const err = new MediaServerError('protocol', `unexpected message from Janus: ${parsed.error.message}`);
      if (transaction && this.pending.has(transaction)) this.settle(transaction, err);
      else this.opts.onError?.(err);
      return;
    }
    const m = parsed.data;
    const p = m.transaction === undefined ? undefined : this.pending.get(m.transaction);
    if (!p) {
      // Acks of requests already answered (Janus may send the event before the ack), and
      // replies that arrive after their request timed out, are dropped; the rest are events.
      if (m.janus !== 'ack' && (m.transaction === undefined || m.janus === 'event')) this.events.emit(m);
      return;
    }
    if (m.janus === 'ack' && !p.ackIsFinal) return;
    if (m.janus === 'error') {
      const e = m.error ?? { code: 0, reason: 'error without details' };
      this.settle(m.transaction!, janusError(e.code, e.reason, p.what));
    } else {
      this.settle(m.transaction!, m);
    }
  }

  private settle(transaction: string, outcome: WireMessage | Error): void {
    const p = this.pending.get(transaction);
    if (!p) return;
    this.pending.delete(transaction);
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  private closed(reason: string, code: 'unavailable' | 'closed' = 'unavailable'): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const [t, p] of this.pending) this.settle(t, new MediaServerError(code, `${p.what}: ${reason}`));
    this.closes.emit(reason);
    this.closes.clear();
    this.events.clear();
  }
}

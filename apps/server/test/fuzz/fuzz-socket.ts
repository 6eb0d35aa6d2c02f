import WebSocket from 'ws';
import type { Frame } from './frame-corpus.js';

type Received = { type?: string; rid?: string; code?: string; [k: string]: unknown };

/**
 * A raw WebSocket for the frame corpus: sends frames exactly as generated and keeps every
 * frame the server answers. `sync()` sends a ping and waits for its pong; the server handles a
 * connection's frames in order, so by then every earlier frame has been answered.
 */
export class FuzzSocket {
  readonly received: Received[] = [];
  closedWith: number | null = null;
  principalId = '';
  private syncs = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      try {
        this.received.push(JSON.parse(String(d)) as Received);
      } catch {
        this.received.push({ type: 'unparsable', raw: String(d).slice(0, 200) });
      }
    });
    ws.on('close', (code) => (this.closedWith = code));
    ws.on('error', () => {});
  }

  /** Opens a socket (cookie in `headers` for an agent) and, with `token`, authenticates by frame. */
  static async open(url: string, headers: Record<string, string>, token?: string): Promise<FuzzSocket> {
    const ws = new WebSocket(url, { headers });
    // Listen before 'open': a cookie-authenticated 'ready' can arrive with the 101 response.
    const s = new FuzzSocket(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    if (token) ws.send(JSON.stringify({ type: 'auth', token }));
    const ready = await s.waitFor((m) => m.type === 'ready', 10_000);
    s.principalId = String(ready.principalId);
    return s;
  }

  send(frame: Frame): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame.data, { binary: frame.binary });
  }

  async request(msg: Record<string, unknown>): Promise<Received> {
    const rid = `req-${++this.syncs}`;
    this.ws.send(JSON.stringify({ ...msg, rid }));
    return this.waitFor((m) => m.rid === rid && (m.type === 'ack' || m.type === 'error'), 10_000);
  }

  async sync(ms = 60_000): Promise<void> {
    const rid = `sync-${++this.syncs}`;
    this.ws.send(JSON.stringify({ type: 'ping', rid }));
    await this.waitFor((m) => m.type === 'pong' && m.rid === rid, ms);
  }

  close(): void {
    this.ws.close();
  }

  private async waitFor(match: (m: Received) => boolean, ms: number): Promise<Received> {
    const end = Date.now() + ms;
    let seen = 0;
    for (;;) {
      for (; seen < this.received.length; seen++) if (match(this.received[seen]!)) return this.received[seen]!;
      if (this.closedWith !== null) throw new Error(`socket closed (${this.closedWith}) while waiting`);
      if (Date.now() > end) throw new Error('timed out waiting for the server');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

import { BRIDGE_NS, parseHostToApp, type AppToHost, type HostEventName, type HostToApp } from '../shared/bridge.js';

type AppToHostBody = AppToHost extends infer M ? (M extends { ns: string } ? Omit<M, 'ns'> : never) : never;

/**
 * The chat app's side of the postMessage bridge with the loader on the host page.
 *
 * The partner is never taken from the URL (`?host=` could name any site): the first `init` from
 * our parent window pins it, and only when its origin is one of the organisation's allowed sites
 * (GET /api/visitor/site, the same list the server puts in /w/'s frame-ancestors) or our own.
 * From then on only that window and origin are heard, and messages go only to that origin.
 * In full-page mode this is inert.
 */
export class HostBridge {
  private readonly listeners = new Set<(msg: HostToApp) => void>();
  private lastUnread = -1;
  private hostOrigin: string | null = null;
  private allowed: ReadonlySet<string> | null = null;

  constructor(
    readonly embedded: boolean,
    private readonly allowedOrigins: () => Promise<readonly string[]>,
  ) {
    if (!this.inFrame) return;
    window.addEventListener('message', (event) => this.onWindowMessage(event));
  }

  private get inFrame(): boolean {
    return this.embedded && window.parent !== window;
  }

  /** The verified origin of the host page, once the loader's init arrived from it. */
  get partner(): string | null {
    return this.hostOrigin;
  }

  private onWindowMessage(event: MessageEvent): void {
    if (event.source !== window.parent) return;
    if (this.hostOrigin === null) {
      const msg = parseHostToApp(event.data);
      if (msg?.kind !== 'init' || !this.mayPartner(event.origin)) return;
      this.hostOrigin = event.origin;
      for (const fn of this.listeners) fn(msg);
      return;
    }
    if (event.origin !== this.hostOrigin) return;
    const msg = parseHostToApp(event.data);
    if (msg) for (const fn of this.listeners) fn(msg);
  }

  private mayPartner(origin: string): boolean {
    // Where the browser tells us who framed us (Chromium, Safari), it must be that page.
    const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
    if (ancestors && ancestors.length > 0 && ancestors[0] !== origin) return false;
    return origin === location.origin || (this.allowed?.has(origin) ?? false);
  }

  onMessage(fn: (msg: HostToApp) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  post(body: AppToHostBody): void {
    if (!this.inFrame || this.hostOrigin === null) return;
    window.parent.postMessage({ ns: BRIDGE_NS, ...body }, this.hostOrigin);
  }

  emit(name: HostEventName, data?: unknown): void {
    this.post(data === undefined ? { kind: 'event', name } : { kind: 'event', name, data });
  }

  /** Tell the launcher the unread count, only when it changes. */
  unread(count: number): void {
    if (count === this.lastUnread) return;
    this.lastUnread = count;
    this.post({ kind: 'unread', count });
  }

  /**
   * Learn the allowed sites, say hello and wait for the loader's `init` (identity, page URL, open
   * state, the visitor's first-party refresh token). A page whose loader never answers (or
   * full-page mode) proceeds without after the timeout.
   */
  async handshake(timeoutMs: number): Promise<Extract<HostToApp, { kind: 'init' }> | null> {
    if (!this.inFrame) return null;
    this.allowed = new Set(await this.allowedOrigins().catch(() => []));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, timeoutMs);
      const off = this.onMessage((msg) => {
        if (msg.kind !== 'init') return;
        clearTimeout(timer);
        off();
        resolve(msg);
      });
      // "hello" carries nothing, so it may go out before we know the partner's origin.
      window.parent.postMessage({ ns: BRIDGE_NS, kind: 'hello' }, '*');
    });
  }
}

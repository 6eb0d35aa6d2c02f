import { BRIDGE_NS, parseHostToApp, type AppToHost, type HostEventName, type HostToApp } from '../shared/bridge.js';

type AppToHostBody = AppToHost extends infer M ? (M extends { ns: string } ? Omit<M, 'ns'> : never) : never;

/**
 * The chat app's side of the postMessage bridge with the loader on the host page.
 * Messages are accepted only from our parent window AND from the host origin the loader
 * declared; messages are posted only to that origin. In full-page mode this is inert.
 */
export class HostBridge {
  private readonly listeners = new Set<(msg: HostToApp) => void>();
  private lastUnread = -1;

  constructor(private readonly hostOrigin: string | null, readonly embedded: boolean) {
    if (!this.active) return;
    window.addEventListener('message', (event) => {
      if (event.source !== window.parent || event.origin !== this.hostOrigin) return;
      const msg = parseHostToApp(event.data);
      if (msg) for (const fn of this.listeners) fn(msg);
    });
  }

  private get active(): boolean {
    return this.embedded && this.hostOrigin !== null && window.parent !== window;
  }

  onMessage(fn: (msg: HostToApp) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  post(body: AppToHostBody): void {
    if (!this.active) return;
    window.parent.postMessage({ ns: BRIDGE_NS, ...body }, this.hostOrigin!);
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
   * Say hello and wait for the loader's `init` (identity, page URL, open state). A page whose
   * loader never answers (or full-page mode) proceeds anonymously after the timeout.
   */
  handshake(timeoutMs: number): Promise<Extract<HostToApp, { kind: 'init' }> | null> {
    if (!this.active) return Promise.resolve(null);
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
      this.post({ kind: 'hello' });
    });
  }
}

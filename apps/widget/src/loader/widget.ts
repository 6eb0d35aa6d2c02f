import type { Language } from '@visavis/protocol';
import {
  BRIDGE_NS,
  HOST_EVENTS,
  parseAppToHost,
  parseIdentity,
  parseRouting,
  type BridgeIdentity,
  type RoutingHints,
  type HostEventName,
  type HostToApp,
} from '../shared/bridge.js';
import { LOADER_CSS } from './styles.js';
import { LOADER_STRINGS } from './strings.js';

export interface WidgetOptions {
  siteKey: string;
  lang: Language;
  /** Origin serving widget.js, and so the chat app: the only origin we exchange messages with. */
  appOrigin: string;
  identity: BridgeIdentity | null;
  /** Entry point and designated agent for the conversations started from this page. */
  routing: RoutingHints;
}

type Handler = (data?: unknown) => void;
type HostToAppBody = HostToApp extends infer M ? (M extends { ns: string } ? Omit<M, 'ns'> : never) : never;

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHAT_PATH = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm3 6v2h2v-2zm4 0v2h2v-2zm4 0v2h2v-2z';
const CLOSE_PATH = 'M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z';

function svgIcon(path: string, cls: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', cls);
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', path);
  svg.appendChild(p);
  return svg;
}

/**
 * The launcher button, the chat panel and its iframe, and the host side of the postMessage
 * bridge. The iframe is created on first open, or at page load when this browser has a live
 * conversation (remembered in the host page's localStorage) so unread badges keep working.
 */
export class Widget {
  private readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLDivElement;
  private frame: HTMLIFrameElement | null = null;
  private frameReady = false;
  private isOpen = false;
  private identity: BridgeIdentity | null;
  private routing: RoutingHints;
  private readonly handlers = new Map<HostEventName, Set<Handler>>();
  private readonly fired = new Set<HostEventName>();
  private readonly strings;
  private readonly activeKey: string;
  /** The visitor's refresh token, kept here in the host page's own (first-party) storage. */
  private readonly sessionKey: string;
  private readonly phoneQuery: MediaQueryList | null;

  constructor(private readonly opts: WidgetOptions) {
    this.identity = opts.identity;
    this.routing = opts.routing;
    this.strings = LOADER_STRINGS[opts.lang];
    this.activeKey = `visavis.active.${opts.siteKey}`;
    this.sessionKey = `visavis.session.${opts.siteKey}`;
    this.phoneQuery = typeof matchMedia === 'function' ? matchMedia('(max-width: 600px)') : null;

    this.root = document.createElement('div');
    this.root.className = 'vvl-root';
    const style = document.createElement('style');
    style.textContent = LOADER_CSS;

    this.launcher = document.createElement('button');
    this.launcher.type = 'button';
    this.launcher.className = 'vvl-launcher';
    this.launcher.setAttribute('data-testid', 'launcher');
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-label', this.strings.open);
    this.launcher.append(svgIcon(CHAT_PATH, 'vvl-icon-chat'), svgIcon(CLOSE_PATH, 'vvl-icon-close'));
    this.badge = document.createElement('span');
    this.badge.className = 'vvl-badge';
    this.badge.setAttribute('data-testid', 'unread-badge');
    this.badge.hidden = true;
    this.launcher.append(this.badge);
    this.launcher.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));

    this.panel = document.createElement('div');
    this.panel.className = 'vvl-panel';
    this.panel.setAttribute('data-testid', 'chat-panel');
    this.root.append(style, this.launcher, this.panel);

    window.addEventListener('message', (e) => this.onMessage(e));
    // Another tab of this site renewed the shared refresh token: tell our frame, so it never
    // renews with the old one (a second use would end the session).
    window.addEventListener('storage', (e) => {
      if (e.key === this.sessionKey && this.frameReady) this.post({ kind: 'session', refreshToken: e.newValue });
    });
    this.phoneQuery?.addEventListener?.('change', () => this.layout());
  }

  /** Put the widget on the page, inside a shadow root when the browser has one. */
  mount(): void {
    const host = document.createElement('div');
    host.setAttribute('data-visavis-widget', '');
    // Keep the host element itself out of the page's layout and stacking quirks.
    host.style.cssText = 'position:static!important;display:block!important;width:0!important;height:0!important;margin:0!important;padding:0!important;border:0!important;';
    const container = typeof host.attachShadow === 'function' ? host.attachShadow({ mode: 'open' }) : host;
    container.append(this.root);
    document.body.appendChild(host);
    if (this.readActive()) this.ensureFrame();
    this.fire('ready');
  }

  command(name: unknown, args: unknown[]): void {
    switch (name) {
      case 'open':
        return this.open();
      case 'close':
        return this.close();
      case 'toggle':
        return this.isOpen ? this.close() : this.open();
      case 'identify': {
        const identity = parseIdentity(args[0]);
        if (!identity) {
          console.warn('[visavis] identify needs {userId, hash} with hash = hex HMAC-SHA256');
          return;
        }
        this.identity = identity;
        if (this.frameReady) this.post({ kind: 'identify', identity });
        return;
      }
      case 'routing': {
        // Visavis('routing', { entryPoint, agent }): applies to the next conversation started here.
        this.routing = parseRouting(args[0]);
        if (this.frameReady) this.post({ kind: 'routing', routing: this.routing });
        return;
      }
      case 'on': {
        const [event, fn] = args;
        if (typeof fn !== 'function' || !(HOST_EVENTS as readonly unknown[]).includes(event)) {
          console.warn('[visavis] unknown event or handler for "on":', event);
          return;
        }
        const set = this.handlers.get(event as HostEventName) ?? new Set();
        set.add(fn as Handler);
        this.handlers.set(event as HostEventName, set);
        // "ready" happens once; a late listener still hears it.
        if (event === 'ready' && this.fired.has('ready')) this.safeCall(fn as Handler, undefined);
        return;
      }
      default:
        console.warn('[visavis] unknown command:', name);
    }
  }

  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.ensureFrame();
    this.layout();
    this.panel.classList.add('vvl-open');
    this.launcher.setAttribute('aria-expanded', 'true');
    this.launcher.setAttribute('aria-label', this.strings.close);
    if (this.frameReady) this.post({ kind: 'visibility', open: true });
    try {
      this.frame?.focus();
    } catch {
      /* focus is best effort */
    }
    this.fire('opened');
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.panel.classList.remove('vvl-open');
    this.root.classList.remove('vvl-full-open');
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-label', this.strings.open);
    if (this.frameReady) this.post({ kind: 'visibility', open: false });
    this.launcher.focus({ preventScroll: true });
    this.fire('closed');
  }

  private ensureFrame(): void {
    if (this.frame) return;
    // No host origin in the URL: the frame learns ours from our verified messages.
    const q = new URLSearchParams({ siteKey: this.opts.siteKey, lang: this.opts.lang, embed: '1' });
    if (this.routing.entryPoint) q.set('entryPoint', this.routing.entryPoint);
    if (this.routing.agent) q.set('agent', this.routing.agent);
    const frame = document.createElement('iframe');
    frame.className = 'vvl-frame';
    frame.name = 'visavis-chat';
    frame.title = this.strings.frameTitle;
    frame.setAttribute('data-testid', 'chat-frame');
    // The platform does video calls: the chat frame may ask for camera and microphone later.
    frame.setAttribute('allow', 'camera; microphone; autoplay; clipboard-write; fullscreen; display-capture');
    frame.src = `${this.opts.appOrigin}/w/?${q.toString()}`;
    this.frame = frame;
    this.panel.append(frame);
  }

  /** Full screen on phones (narrow viewport, or a coarse pointer on a small screen). */
  private layout(): void {
    const narrow = this.phoneQuery?.matches ?? false;
    const smallTouch =
      typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches && Math.min(screen.width, screen.height) <= 600;
    const full = narrow || smallTouch;
    this.panel.classList.toggle('vvl-full', full);
    this.root.classList.toggle('vvl-full-open', full && this.isOpen);
  }

  private onMessage(e: MessageEvent): void {
    // Only our own iframe, served from the widget's origin, may talk to us.
    if (!this.frame || e.source !== this.frame.contentWindow || e.origin !== this.opts.appOrigin) return;
    const msg = parseAppToHost(e.data);
    if (!msg) return;
    switch (msg.kind) {
      case 'hello':
        this.frameReady = true;
        this.post({ kind: 'init', identity: this.identity, pageUrl: location.href, open: this.isOpen, refreshToken: this.readStored(this.sessionKey) });
        return;
      case 'session':
        this.writeStored(this.sessionKey, msg.refreshToken);
        return;
      case 'unread':
        this.setBadge(msg.count);
        return;
      case 'close-request':
        this.close();
        return;
      case 'event':
        if (msg.name === 'conversation.started') this.writeActive(true);
        if (msg.name === 'conversation.ended') this.writeActive(false);
        if (msg.name === 'message.received') this.writeActive(true);
        if (msg.name === 'ready' || msg.name === 'opened' || msg.name === 'closed') return; // ours to say
        this.fire(msg.name, msg.data);
        return;
    }
  }

  private post(body: HostToAppBody): void {
    // A specific target origin: identity must never go to whatever document the frame navigated to.
    this.frame?.contentWindow?.postMessage({ ns: BRIDGE_NS, ...body }, this.opts.appOrigin);
  }

  private setBadge(count: number): void {
    this.badge.hidden = count <= 0;
    this.badge.textContent = count > 99 ? '99+' : String(count);
    this.launcher.setAttribute(
      'aria-label',
      (this.isOpen ? this.strings.close : this.strings.open) + (count > 0 ? ` (${this.strings.unread.replace('{n}', String(count))})` : ''),
    );
  }

  private fire(name: HostEventName, data?: unknown): void {
    this.fired.add(name);
    for (const fn of this.handlers.get(name) ?? []) this.safeCall(fn, data);
  }

  /** A throwing host handler must not break the widget. */
  private safeCall(fn: Handler, data: unknown): void {
    try {
      fn(data);
    } catch (err) {
      console.error('[visavis] event handler failed', err);
    }
  }

  private readActive(): boolean {
    return this.readStored(this.activeKey) === '1';
  }

  private writeActive(active: boolean): void {
    // Storage blocked: the frame then loads on first open only.
    this.writeStored(this.activeKey, active ? '1' : null);
  }

  private readStored(key: string): string | null {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  }

  private writeStored(key: string, value: string | null): void {
    try {
      if (value) window.localStorage.setItem(key, value);
      else window.localStorage.removeItem(key);
    } catch {
      /* storage blocked on the host page too: the visitor is remembered for this page view only */
    }
  }
}

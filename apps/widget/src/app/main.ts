import type { VisitorSiteAnswer } from '@visavis/protocol';
import { parseParams } from './params.js';
import { translator } from './i18n.js';
import { HostBridge } from './host.js';
import { VisitorApi } from './api.js';
import { ChatController } from './chat.js';
import { AppView } from './view/app-view.js';
import { el } from './view/dom.js';
import type { BridgeIdentity } from '../shared/bridge.js';

/**
 * Entry point of the visitor chat app (`/w/`). Embedded (`embed=1`) it lives in the loader's
 * iframe and talks to the host page through HostBridge; otherwise it is the full-page H5 chat.
 */
function boot(): void {
  const params = parseParams(location.search, navigator.language);
  // A signed identity in an H5 link is short-lived, but still should not stay in the address bar,
  // history or a bookmark: once read, it is taken out of the URL.
  if (!params.embed && params.identity) history.replaceState(history.state, '', withoutIdentity(location.href));
  const t = translator(params.lang);
  document.documentElement.lang = params.lang;
  document.title = t('title');
  document.body.classList.add(params.embed ? 'vv-embedded' : 'vv-page');

  if (!params.siteKey) {
    document.body.append(el('div', { class: 'vv-fatal', role: 'alert' }, t('errorUnknownSite')));
    return;
  }

  const siteKey = params.siteKey;
  const host = new HostBridge(params.embed, () => allowedSites(siteKey));
  const api = new VisitorApi(siteKey);
  // Embedded, the host page says who is logged in (no identity = anonymous, ending an identified
  // session). A full-page link reloaded without its (stripped) identity resumes its session.
  api.resumeWithoutIdentity = !params.embed;
  // The loader keeps the refresh token in the host page's own (first-party) storage.
  api.onRefreshToken = (refreshToken) => host.post({ kind: 'session', refreshToken });
  let view: AppView | null = null;
  const chat = new ChatController(api, host, t, params.lang, () => view?.schedule(), params.channel);
  chat.routing = params.routing;
  view = new AppView(chat, t, {
    embedded: params.embed,
    lang: params.lang,
    onMinimise: () => host.post({ kind: 'close-request' }),
  });
  document.body.append(view.root);
  view.render();
  // A hook for browser tests, as in the workspace: drop the socket as a network blip would.
  // and hand over the visitor's current access token (no longer stored: it lives an hour).
  (window as { __visavisChat?: { dropConnection: () => void; accessToken: () => string | null } }).__visavisChat = {
    dropConnection: () => chat.dropConnectionForTest(),
    accessToken: () => api.token,
  };

  // Embedded, the panel starts closed until the loader says otherwise; full page is always open.
  let open = !params.embed;
  let identity: BridgeIdentity | null = params.identity;
  let pageUrl = params.embed ? '' : document.referrer || location.href;
  let started = false;
  chat.setVisible(open);

  host.onMessage((msg) => {
    if (msg.kind === 'visibility') {
      open = msg.open;
      chat.setVisible(open);
      if (open) view?.focusInput();
    } else if (msg.kind === 'session') {
      api.adoptRefreshToken(msg.refreshToken);
    } else if (msg.kind === 'routing') {
      chat.routing = msg.routing;
    } else if (msg.kind === 'identify') {
      // Signatures change with every signing (ts); the same user id is the same visitor.
      const same = identity?.userId === msg.identity.userId;
      identity = msg.identity;
      // Identifying switches the visitor record, so the session and history start over.
      if (started && !same) void chat.start(identity, pageUrl);
    }
  });
  document.addEventListener('visibilitychange', () => chat.setVisible(open));

  void host.handshake(2500).then((init) => {
    if (init) {
      // An identity from the host page wins over one in the URL (the page knows who is logged in).
      if (init.identity) identity = init.identity;
      // Where this frame's own storage is blocked or partitioned, this is what remembers the visitor.
      api.adoptRefreshToken(init.refreshToken);
      pageUrl = init.pageUrl;
      open = init.open;
      chat.setVisible(open);
    }
    started = true;
    return chat.start(identity, pageUrl);
  });
}

/** Sites the organisation allows to embed the widget: the only postMessage partners. */
async function allowedSites(siteKey: string): Promise<string[]> {
  const res = await fetch(`/api/visitor/site?siteKey=${encodeURIComponent(siteKey)}`);
  if (!res.ok) return [];
  // Checked item by item all the same: a proxy or an old server may answer something else.
  const body = (await res.json()) as Partial<VisitorSiteAnswer>;
  return Array.isArray(body.allowedOrigins) ? body.allowedOrigins.filter((o): o is string => typeof o === 'string') : [];
}

function withoutIdentity(href: string): string {
  const url = new URL(href);
  for (const k of ['userId', 'ts', 'hash', 'name', 'email', 'facts', 'factsHash']) url.searchParams.delete(k);
  return url.toString();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();

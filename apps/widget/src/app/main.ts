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
  const params = parseParams(location.search, navigator.language, document.referrer);
  const t = translator(params.lang);
  document.documentElement.lang = params.lang;
  document.title = t('title');
  document.body.classList.add(params.embed ? 'vv-embedded' : 'vv-page');

  if (!params.siteKey) {
    document.body.append(el('div', { class: 'vv-fatal', role: 'alert' }, t('errorUnknownSite')));
    return;
  }

  const host = new HostBridge(params.hostOrigin, params.embed);
  const api = new VisitorApi(params.siteKey);
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
  (window as { __visavisChat?: { dropConnection: () => void } }).__visavisChat = { dropConnection: () => chat.dropConnectionForTest() };

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
    } else if (msg.kind === 'routing') {
      chat.routing = msg.routing;
    } else if (msg.kind === 'identify') {
      const same = identity?.userId === msg.identity.userId && identity?.hash === msg.identity.hash;
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
      pageUrl = init.pageUrl;
      open = init.open;
      chat.setVisible(open);
    }
    started = true;
    return chat.start(identity, pageUrl);
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();

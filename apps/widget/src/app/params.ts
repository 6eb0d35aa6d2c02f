import type { Language } from '@visavis/protocol';
import { chooseLanguage } from '../shared/lang.js';
import { parseIdentity, parseRouting, type BridgeIdentity, type RoutingHints } from '../shared/bridge.js';

/**
 * What the chat app learns from its URL. In the loader's iframe: `?siteKey=..&lang=..&embed=1`
 * (the host page's origin is learnt from the loader's verified init, never from the URL). As a
 * full-page H5 link: `?siteKey=..&lang=..` and optionally a short-lived signed identity as
 * `userId`, `ts`, `hash`, `name`, `email`, with signed routing facts as `facts` + `factsHash`. Either way `entryPoint` and `agent` (a designated agent's
 * id, e.g. an account manager's link `/w/?siteKey=KEY&agent=ID`) are routing hints.
 */
export interface AppParams {
  siteKey: string | null;
  lang: Language;
  embed: boolean;
  identity: BridgeIdentity | null;
  routing: RoutingHints;
  /** Where the conversation comes from: the website's embedded widget, or the mobile H5 page. */
  channel: 'web' | 'h5';
}

export function parseParams(search: string, browserLanguage: string | undefined): AppParams {
  const q = new URLSearchParams(search);
  const siteKey = q.get('siteKey');
  const embed = q.has('embed') && q.get('embed') !== '0';
  const identity = parseIdentity({
    userId: q.get('userId') ?? undefined,
    hash: q.get('hash') ?? undefined,
    ts: q.get('ts') ?? undefined,
    name: q.get('name') ?? undefined,
    email: q.get('email') ?? undefined,
    facts: q.get('facts') ?? undefined,
    factsHash: q.get('factsHash') ?? undefined,
  });
  return {
    siteKey: siteKey && siteKey.length <= 64 ? siteKey : null,
    lang: chooseLanguage(q.get('lang'), browserLanguage),
    embed,
    identity,
    routing: parseRouting({ entryPoint: q.get('entryPoint') ?? undefined, agent: q.get('agent') ?? undefined }),
    channel: embed ? 'web' : 'h5',
  };
}

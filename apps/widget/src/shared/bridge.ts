/**
 * The postMessage protocol between the loader (host page) and the chat app (iframe).
 *
 * Both ends check `event.origin` AND `event.source` before trusting a message: other scripts
 * and frames on the host page can post to either window, so shape checks alone are not enough.
 * Every envelope carries `ns` so our traffic is distinguishable from other libraries' messages.
 */
export const BRIDGE_NS = 'visavis.widget.v1';

/**
 * Identity the host page hands over; the server verifies `hash` (the v2 HMAC over userId, ts, name
 * and email; README "Identified visitors"), and `factsHash` over the routing facts (VIP, tags,
 * attributes as base64url JSON). `ts` is when the business signed it (Unix seconds).
 */
export interface BridgeIdentity {
  userId: string;
  hash: string;
  ts?: number;
  name?: string;
  email?: string;
  facts?: string;
  factsHash?: string;
}

/**
 * Routing hints from the embed or link: a named entry point (a button, a campaign), and a
 * designated agent (an account manager's own link). Not secret: the server checks them.
 */
export interface RoutingHints {
  entryPoint?: string;
  agent?: string;
}

/** Shape check for routing hints from the host page or the URL; bad parts are dropped. */
export function parseRouting(v: unknown): RoutingHints {
  const out: RoutingHints = {};
  if (!isRecord(v)) return out;
  const entry = typeof v.entryPoint === 'string' ? v.entryPoint.trim() : '';
  if (entry && entry.length <= 100) out.entryPoint = entry;
  const agent = typeof v.agent === 'string' ? v.agent.trim() : '';
  if (/^[A-Za-z0-9_-]{1,64}$/.test(agent)) out.agent = agent;
  return out;
}

/** Events the host page can listen to with `Visavis('on', name, fn)`. */
export const HOST_EVENTS = [
  'ready',
  'opened',
  'closed',
  'conversation.started',
  'message.received',
  'conversation.ended',
] as const;
export type HostEventName = (typeof HOST_EVENTS)[number];

/** Host -> app. */
export type HostToApp =
  | { ns: typeof BRIDGE_NS; kind: 'init'; identity: BridgeIdentity | null; pageUrl: string; open: boolean; refreshToken: string | null }
  /** The visitor's refresh token changed in another tab of the host site (first-party storage event). */
  | { ns: typeof BRIDGE_NS; kind: 'session'; refreshToken: string | null }
  | { ns: typeof BRIDGE_NS; kind: 'identify'; identity: BridgeIdentity }
  | { ns: typeof BRIDGE_NS; kind: 'routing'; routing: RoutingHints }
  | { ns: typeof BRIDGE_NS; kind: 'visibility'; open: boolean };

/** App -> host. */
export type AppToHost =
  | { ns: typeof BRIDGE_NS; kind: 'hello' }
  | { ns: typeof BRIDGE_NS; kind: 'event'; name: HostEventName; data?: unknown }
  | { ns: typeof BRIDGE_NS; kind: 'unread'; count: number }
  /** A new refresh token (or none: forget it) for the loader to keep in the host page's storage. */
  | { ns: typeof BRIDGE_NS; kind: 'session'; refreshToken: string | null }
  | { ns: typeof BRIDGE_NS; kind: 'close-request' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function optionalString(v: unknown, max: number): boolean {
  return v === undefined || (typeof v === 'string' && v.length <= max);
}

/** Shape check for identity coming from a host page we do not control. */
export function parseIdentity(v: unknown): BridgeIdentity | null {
  if (!isRecord(v)) return null;
  const { userId, hash, name, email, facts, factsHash } = v;
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 128) return null;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return null;
  if (!optionalString(name, 120) || !optionalString(email, 254)) return null;
  const ts = parseTimestamp(v.ts);
  if (ts === null) return null;
  const out: BridgeIdentity = { userId, hash };
  if (ts !== undefined) out.ts = ts;
  if (typeof name === 'string' && name) out.name = name;
  if (typeof email === 'string' && email) out.email = email;
  // Signed routing facts travel only as a pair; the server refuses unsigned or mismatched ones.
  if (typeof facts === 'string' && /^[A-Za-z0-9_-]{1,4096}$/.test(facts) && typeof factsHash === 'string' && /^[0-9a-f]{64}$/.test(factsHash)) {
    out.facts = facts;
    out.factsHash = factsHash;
  }
  return out;
}

/** Unix seconds, as a number or (from data- attributes and query strings) a decimal string. */
function parseTimestamp(v: unknown): number | undefined | null {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** Refresh tokens are opaque base64url strings; anything else is dropped. */
export function parseRefreshToken(v: unknown): string | null {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(v) ? v : null;
}

export function parseHostToApp(data: unknown): HostToApp | null {
  if (!isRecord(data) || data.ns !== BRIDGE_NS) return null;
  switch (data.kind) {
    case 'init': {
      const identity = data.identity === null || data.identity === undefined ? null : parseIdentity(data.identity);
      const pageUrl = typeof data.pageUrl === 'string' ? data.pageUrl.slice(0, 2048) : '';
      return { ns: BRIDGE_NS, kind: 'init', identity, pageUrl, open: data.open === true, refreshToken: parseRefreshToken(data.refreshToken) };
    }
    case 'session':
      return { ns: BRIDGE_NS, kind: 'session', refreshToken: parseRefreshToken(data.refreshToken) };
    case 'identify': {
      const identity = parseIdentity(data.identity);
      return identity ? { ns: BRIDGE_NS, kind: 'identify', identity } : null;
    }
    case 'visibility':
      return { ns: BRIDGE_NS, kind: 'visibility', open: data.open === true };
    case 'routing':
      return { ns: BRIDGE_NS, kind: 'routing', routing: parseRouting(data.routing) };
    default:
      return null;
  }
}

export function parseAppToHost(data: unknown): AppToHost | null {
  if (!isRecord(data) || data.ns !== BRIDGE_NS) return null;
  switch (data.kind) {
    case 'hello':
    case 'close-request':
      return { ns: BRIDGE_NS, kind: data.kind };
    case 'session':
      return { ns: BRIDGE_NS, kind: 'session', refreshToken: parseRefreshToken(data.refreshToken) };
    case 'unread': {
      const n = typeof data.count === 'number' && Number.isFinite(data.count) ? Math.max(0, Math.floor(data.count)) : 0;
      return { ns: BRIDGE_NS, kind: 'unread', count: n };
    }
    case 'event':
      if (typeof data.name !== 'string' || !(HOST_EVENTS as readonly string[]).includes(data.name)) return null;
      return { ns: BRIDGE_NS, kind: 'event', name: data.name as HostEventName, data: data.data };
    default:
      return null;
  }
}

/** The origin part of a URL, or null when it is not an http(s) URL. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

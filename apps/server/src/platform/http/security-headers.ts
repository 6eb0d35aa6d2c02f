import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Browser security headers for every response, chosen by the surface a path belongs to:
 *   workspace  /app/…     the agents' SPA: may not be framed at all (clickjacking).
 *   widgetApp  /w/…       the visitor chat, framed by customers' sites through the loader and also
 *                         opened full page (H5). Who may frame it is decided per organisation by
 *                         the /w/ route (frame-ancestors); this hook never forbids framing there.
 *   loader     /widget.js a script loaded cross-origin by customers' sites.
 *   demo       /demo      the demo host page; its route sets a CSP with the hashes of its inline
 *                         scripts (demoPageCsp), the hook fills in the rest.
 *   other      API, health, metrics, redirects: nothing there is meant to render or be framed.
 */
export type Surface = 'workspace' | 'widgetApp' | 'loader' | 'demo' | 'other';

export interface SecurityHeaderSettings {
  /** PUBLIC_URL as configured (undefined when unset): HSTS is sent only when it is https. */
  publicUrl: string | undefined;
  /** Strict-Transport-Security max-age; 0 turns HSTS off even behind https. */
  hstsMaxAgeSeconds: number;
}

export function surfaceOf(url: string): Surface {
  const path = url.split('?', 1)[0]!;
  if (path === '/app' || path.startsWith('/app/')) return 'workspace';
  if (path === '/w' || path.startsWith('/w/')) return 'widgetApp';
  if (path === '/widget.js') return 'loader';
  if (path === '/demo') return 'demo';
  return 'other';
}

// Calls (camera, microphone, screen sharing) happen in the workspace and in the widget's chat;
// the demo page delegates them to the widget's iframe (same origin, allow="camera; …").
// Everything else a page could ask for is switched off.
const NO_EXTRAS = 'geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=()';
const CALLS_ALLOWED = `camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), ${NO_EXTRAS}`;
const NOTHING_ALLOWED = `camera=(), microphone=(), display-capture=(), ${NO_EXTRAS}`;

/** A Host header that is a plain host[:port] (anything else is not echoed into a header). */
const SAFE_HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The WebSocket origins of this server. CSP 3 lets 'self' cover same-host ws:/wss:, but older
 * Safari does not, so they are listed: the host the browser used (the proxy keeps Host, see
 * deploy/README.md) and PUBLIC_URL's host. ws: next to wss: is harmless: an https page cannot
 * open ws: anyway (mixed content).
 */
function socketSources(host: string | undefined, publicHost: string | null): string[] {
  const hosts = new Set<string>();
  if (host && SAFE_HOST.test(host)) hosts.add(host.toLowerCase());
  if (publicHost) hosts.add(publicHost);
  return [...hosts].flatMap((h) => [`ws://${h}`, `wss://${h}`]);
}

/**
 * The SPA policy shared by the workspace and the widget's chat app. The built UIs have no inline
 * scripts or styles (Vite emits files; React sets style props through the CSSOM, which CSP allows).
 * blob: covers call recordings and snapshots shown before upload, and the timer Worker that keeps
 * recording chunks flowing in background tabs (created from a blob: URL).
 */
function appDirectives(sockets: string[]): string[] {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' ${sockets.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ];
}

const INERT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const inlineScript = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * The demo page's policy: its own inline scripts by hash (so no injected script runs), the widget
 * loader from here, the chat iframe from here. Styles need 'unsafe-inline': the page has a
 * <style> block and the loader puts its stylesheet into its shadow root, as on any customer site.
 */
export function demoPageCsp(html: string): string {
  const hashes = [...html.matchAll(inlineScript)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    ["script-src 'self'", ...hashes].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Adds a policy next to one a route set: browsers enforce every CSP header they get. */
function addCsp(reply: FastifyReply, policy: string): void {
  const existing = reply.getHeader('content-security-policy');
  if (existing === undefined) reply.header('content-security-policy', policy);
  else reply.header('content-security-policy', [...(Array.isArray(existing) ? existing : [String(existing)]), policy]);
}

/** Builds the onSend step that writes the headers; routes' own headers are kept, never replaced. */
export function securityHeaders(s: SecurityHeaderSettings): (req: FastifyRequest, reply: FastifyReply) => void {
  const hsts =
    s.publicUrl?.startsWith('https:') && s.hstsMaxAgeSeconds > 0 ? `max-age=${s.hstsMaxAgeSeconds}` : null;
  const publicHost = s.publicUrl ? new URL(s.publicUrl).host : null;

  return (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    // Sent over plain http too: browsers ignore it there, and the proxy in front may be https
    // while this server sees http (TLS ends at the proxy).
    if (hsts) reply.header('strict-transport-security', hsts);

    const surface = surfaceOf(req.url);
    const hasCsp = reply.getHeader('content-security-policy') !== undefined;
    switch (surface) {
      case 'workspace':
        if (!hasCsp) {
          const sockets = socketSources(req.headers.host, publicHost);
          reply.header('content-security-policy', [...appDirectives(sockets), "frame-ancestors 'none'"].join('; '));
        }
        reply.header('x-frame-options', 'DENY');
        reply.header('permissions-policy', CALLS_ALLOWED);
        reply.header('cross-origin-opener-policy', 'same-origin');
        break;
      case 'widgetApp':
        // No frame-ancestors and no X-Frame-Options here: customers' sites frame this page, and
        // the /w/ route sends its own frame-ancestors policy per organisation, kept beside ours.
        addCsp(reply, appDirectives(socketSources(req.headers.host, publicHost)).join('; '));
        reply.header('permissions-policy', CALLS_ALLOWED);
        reply.header('cross-origin-opener-policy', 'same-origin');
        break;
      case 'loader':
        // A script, loaded by other sites' pages: it must be readable cross-origin (also by
        // pages that require CORP), and rendering it as a document gets nothing.
        if (!hasCsp) reply.header('content-security-policy', INERT_CSP);
        reply.header('cross-origin-resource-policy', 'cross-origin');
        break;
      case 'demo':
        if (!hasCsp) reply.header('content-security-policy', INERT_CSP);
        reply.header('x-frame-options', 'DENY');
        reply.header('permissions-policy', CALLS_ALLOWED);
        reply.header('cross-origin-opener-policy', 'same-origin');
        break;
      case 'other':
        if (!hasCsp) reply.header('content-security-policy', INERT_CSP);
        reply.header('x-frame-options', 'DENY');
        reply.header('permissions-policy', NOTHING_ALLOWED);
        break;
    }
  };
}

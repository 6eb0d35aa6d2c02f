import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { ServerMessage } from '@visavis/protocol';
import { ERROR_CATALOG } from '@visavis/protocol';

/** Close code for a connection over WS_MAX_CONNECTIONS_PER_IP (error code TOO_MANY_CONNECTIONS). */
export const TOO_MANY_CONNECTIONS_CLOSE = { code: 4029, reason: 'too many connections' } as const;

/** proxy-addr's (and so Fastify's) names for address ranges in TRUST_PROXY. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function plainAddress(a: string): string {
  const s = a.trim();
  return s.toLowerCase().startsWith('::ffff:') && isIP(s.slice(7)) === 4 ? s.slice(7) : s;
}

type Trust = (address: string) => boolean;

/** TRUST_PROXY as the HTTP side reads it: true, false, or a comma-separated list of addresses, CIDRs and range names. */
export function compileTrust(trustProxy: boolean | string): Trust {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  const list = new BlockList();
  for (const entry of trustProxy.split(',').flatMap((e) => NAMED_RANGES[e.trim()] ?? [e.trim()])) {
    const [net, bits] = entry.split('/');
    const family = isIP(net ?? '');
    if (!net || family === 0) continue; // an unusable entry trusts nobody rather than failing the upgrade
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(net, type);
    else list.addSubnet(net, Number(bits), type);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address of an upgrade request: the socket's peer, or, when that peer is a trusted
 * proxy, the nearest X-Forwarded-For entry not itself a trusted proxy (the same walk as Fastify's).
 */
export function clientAddress(req: IncomingMessage, trust: Trust): string {
  let address = plainAddress(req.socket.remoteAddress ?? 'unknown');
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map(plainAddress).filter(Boolean);
  while (trust(address) && forwarded.length > 0) address = forwarded.pop()!;
  return address;
}

interface ClosableSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Counts open WebSockets per client address and turns away those over the cap. */
export class AddressConnectionLimit {
  private readonly open = new Map<string, number>();
  private readonly trust: Trust;

  constructor(
    private readonly maxPerAddress: number,
    trustProxy: boolean | string,
  ) {
    this.trust = compileTrust(trustProxy);
  }

  /**
   * Counts the socket against its address until it closes; over the cap it is told why
   * (TOO_MANY_CONNECTIONS) and closed with 4029, and false is answered.
   */
  admit(req: IncomingMessage, ws: ClosableSocket): boolean {
    const address = clientAddress(req, this.trust);
    const count = this.open.get(address) ?? 0;
    if (count >= this.maxPerAddress) {
      const refusal: ServerMessage = { type: 'error', code: 'TOO_MANY_CONNECTIONS', message: ERROR_CATALOG.TOO_MANY_CONNECTIONS.message };
      ws.send(JSON.stringify(refusal));
      ws.close(TOO_MANY_CONNECTIONS_CLOSE.code, TOO_MANY_CONNECTIONS_CLOSE.reason);
      return false;
    }
    this.open.set(address, count + 1);
    ws.once('close', () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left <= 0) this.open.delete(address);
      else this.open.set(address, left);
    });
    return true;
  }

  /** Open connections from one address (for tests and diagnostics). */
  countFor(address: string): number {
    return this.open.get(address) ?? 0;
  }
}

import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AddressConnectionLimit, clientAddress, compileTrust } from './address-limit.js';

const req = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

class FakeWs extends EventEmitter {
  sent: string[] = [];
  closedWith: number | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close(code: number) {
    this.closedWith = code;
    this.emit('close');
  }
}

describe('clientAddress (TRUST_PROXY as the HTTP side reads it)', () => {
  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(clientAddress(req('203.0.113.9', '198.51.100.1'), compileTrust(false))).toBe('203.0.113.9');
    expect(clientAddress(req('203.0.113.9', '198.51.100.1'), compileTrust('127.0.0.1'))).toBe('203.0.113.9');
    expect(clientAddress(req('127.0.0.1', '198.51.100.1'), compileTrust('127.0.0.1'))).toBe('198.51.100.1');
  });

  it('walks the chain from the right past trusted proxies only (a client cannot prepend its own)', () => {
    const trust = compileTrust('127.0.0.1,10.0.0.0/8');
    expect(clientAddress(req('127.0.0.1', '1.2.3.4, 198.51.100.7, 10.1.2.3'), trust)).toBe('198.51.100.7');
    expect(clientAddress(req('::ffff:10.0.0.5', '198.51.100.7'), trust)).toBe('198.51.100.7');
    expect(clientAddress(req('127.0.0.1', '1.2.3.4, 198.51.100.7'), compileTrust(true))).toBe('1.2.3.4');
  });

  it('knows the range names and IPv6, and trusts nobody for an entry it cannot read', () => {
    expect(compileTrust('loopback')('::1')).toBe(true);
    expect(compileTrust('uniquelocal')('192.168.1.1')).toBe(true);
    expect(compileTrust('fd00::/8')('fd12::1')).toBe(true);
    expect(compileTrust('not-an-address')('127.0.0.1')).toBe(false);
  });
});

describe('AddressConnectionLimit', () => {
  it('closes the connection over the cap with 4029 and TOO_MANY_CONNECTIONS, and frees a place on close', () => {
    const limit = new AddressConnectionLimit(2, false);
    const [a, b, c] = [new FakeWs(), new FakeWs(), new FakeWs()];
    expect(limit.admit(req('203.0.113.9'), a)).toBe(true);
    expect(limit.admit(req('203.0.113.9'), b)).toBe(true);
    expect(limit.admit(req('203.0.113.10'), new FakeWs())).toBe(true); // another address
    expect(limit.admit(req('203.0.113.9'), c)).toBe(false);
    expect(c.closedWith).toBe(4029);
    expect(JSON.parse(c.sent[0]!)).toMatchObject({ type: 'error', code: 'TOO_MANY_CONNECTIONS' });
    expect(limit.countFor('203.0.113.9')).toBe(2);
    a.close(1000);
    expect(limit.countFor('203.0.113.9')).toBe(1);
    expect(limit.admit(req('203.0.113.9'), new FakeWs())).toBe(true);
  });
});

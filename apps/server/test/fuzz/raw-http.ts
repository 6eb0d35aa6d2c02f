import net from 'node:net';

export interface RawResponse {
  /** Status code of the first response line; null when the server closed without answering. */
  status: number | null;
  head: string;
  body: string;
}

/**
 * Sends bytes exactly as given on a fresh TCP connection and reads until the server closes it
 * (or `ms` pass): for requests no HTTP client would send (broken request targets, raw upgrades).
 */
export function rawHttp(port: number, request: string | Buffer, ms = 3_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split) : text;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : null, head, body: split >= 0 ? text.slice(split + 4) : '' });
    };
    const timer = setTimeout(finish, ms);
    socket.on('data', (d) => {
      chunks.push(d);
      // A 101 keeps the socket open: the answer is complete once the head has arrived.
      if (/^HTTP\/1\.1 101/.test(Buffer.concat(chunks).toString('latin1')) && Buffer.concat(chunks).includes('\r\n\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(request);
  });
}

/** A WebSocket upgrade request with the given target and extra header lines (raw, may be broken). */
export function upgradeRequest(target: string, headerLines: string[], opts: { host?: string | null } = {}): string {
  const lines = [`GET ${target} HTTP/1.1`];
  if (opts.host !== null) lines.push(`Host: ${opts.host ?? '127.0.0.1'}`);
  const has = (name: string) => headerLines.some((l) => l.toLowerCase().startsWith(`${name}:`));
  if (!has('upgrade')) lines.push('Upgrade: websocket');
  if (!has('connection')) lines.push('Connection: Upgrade');
  if (!has('sec-websocket-key')) lines.push('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
  if (!has('sec-websocket-version')) lines.push('Sec-WebSocket-Version: 13');
  return [...lines, ...headerLines, '', ''].join('\r\n');
}

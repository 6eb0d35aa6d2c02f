import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { writeFile } from 'node:fs/promises';

/** Test support: real .mjr files, without Janus. Never imported by the server. */

/**
 * A real Janus recording: ffmpeg encodes VP8 or Opus and sends RTP to a local UDP socket; the
 * packets are written as Janus does ("MJR00002", JSON header, then per packet "MEET", time in
 * ms since the first, length, the RTP packet). `firstPacketUs` becomes the header's `u`.
 */
export async function synthMjr(
  ffmpeg: string,
  out: string,
  o: { kind: 'audio' | 'video'; seconds: number; firstPacketUs: number; size?: string },
): Promise<number> {
  const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  const packets: { at: number; data: Buffer }[] = [];
  const t0 = Date.now();
  sock.on('message', (m) => {
    const pt = m[1]! & 0x7f;
    if (pt >= 72 && pt <= 76) return; // RTCP (sender reports) if it comes here
    packets.push({ at: Date.now() - t0, data: Buffer.from(m) });
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const port = sock.address().port;
  const enc =
    o.kind === 'audio'
      ? ['-f', 'lavfi', '-i', `sine=frequency=300:duration=${o.seconds}`, '-ac', '2', '-c:a', 'libopus', '-payload_type', '111']
      : ['-f', 'lavfi', '-i', `testsrc=size=${o.size ?? '640x360'}:rate=30:duration=${o.seconds}`,
          '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '500k', '-payload_type', '96'];
  // -re paces packets like a live publisher, so the socket never overflows.
  const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-re', ...enc, '-f', 'rtp', `rtp://127.0.0.1:${port}?pkt_size=1200`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((r) => child.once('close', r));
  await new Promise((r) => setTimeout(r, 100));
  sock.close();
  if (code !== 0) throw new Error(`ffmpeg rtp exited with ${code}`);
  const header = JSON.stringify({
    t: o.kind === 'audio' ? 'a' : 'v',
    c: o.kind === 'audio' ? 'opus' : 'vp8',
    s: o.firstPacketUs - 20_000,
    u: o.firstPacketUs,
  });
  const len = Buffer.alloc(2);
  len.writeUInt16BE(Buffer.byteLength(header));
  const parts: Buffer[] = [Buffer.from('MJR00002'), len, Buffer.from(header)];
  for (const p of packets) {
    const h = Buffer.alloc(10);
    h.write('MEET');
    h.writeUInt32BE(p.at, 4);
    h.writeUInt16BE(p.data.length, 8);
    parts.push(h, p.data);
  }
  await writeFile(out, Buffer.concat(parts));
  return packets.length;
}

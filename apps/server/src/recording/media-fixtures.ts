import { execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Test support for the recording tests: synthetic media made with ffmpeg (lavfi testsrc/sine),
 * real .mjr files (ffmpeg's RTP output captured on a UDP socket and written in Janus's format),
 * and frame inspection. Never imported by the server.
 */

const run = promisify(execFile);

export async function synthVideo(
  ffmpeg: string,
  out: string,
  o: { seconds: number; size?: string; rate?: number; source?: string },
): Promise<void> {
  const src = `${o.source ?? 'testsrc'}=size=${o.size ?? '640x360'}:rate=${o.rate ?? 30}:duration=${o.seconds}`;
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', src,
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '16', '-b:v', '600k', out]);
}

export async function synthAudio(ffmpeg: string, out: string, o: { seconds: number; freq?: number }): Promise<void> {
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi',
    '-i', `sine=frequency=${o.freq ?? 440}:duration=${o.seconds}`, '-ac', '2', '-c:a', 'libopus', out]);
}

/** Concatenates files of one codec without re-encoding (e.g. a video that changes resolution). */
export async function concatCopy(ffmpeg: string, files: string[], list: string, out: string): Promise<void> {
  await writeFile(list, files.map((f) => `file '${f}'\n`).join(''));
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', out]);
}

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

/** Mean luma (0–255) of a region of the frame shown at `atSec`. */
export async function meanLuma(
  ffmpeg: string,
  file: string,
  atSec: number,
  crop: { x: number; y: number; w: number; h: number },
): Promise<number> {
  const { stdout } = await run(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-ss', String(atSec), '-i', file, '-frames:v', '1',
      '-vf', `crop=${crop.w}:${crop.h}:${crop.x}:${crop.y},scale=1:1:flags=area,format=gray`, '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer' },
  );
  if (stdout.length < 1) throw new Error(`no frame at ${atSec}s in ${file}`);
  return stdout[0]!;
}

/** Child processes of this process with a given command name (to prove none was left running). */
export async function childrenNamed(name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (m && m[1] === name && Number(m[2]) === process.pid) pids.push(Number(entry));
  }
  return pids;
}

/** CPU seconds (user + system) used so far by this process's finished children (/proc/self/stat). */
export async function childCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

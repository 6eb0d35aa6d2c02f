import { execFile } from 'node:child_process';
import { access, constants, readdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Test support for the recording tests: synthetic media made with ffmpeg (lavfi testsrc/sine)
 * and frame inspection. Never imported by the server.
 */

const run = promisify(execFile);

/**
 * Why the media suites cannot run here (a missing program), or null. Like the suites that run the
 * media server, they skip with a warning outside CI and fail in CI.
 */
export async function mediaToolsUnavailable(paths: string[]): Promise<string | null> {
  for (const p of paths) {
    const ok = await access(p, constants.X_OK).then(() => true, () => false);
    if (!ok) return `${p} is missing (bash scripts/setup.sh --test installs the media tools)`;
  }
  return null;
}

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

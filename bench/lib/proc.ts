// One process's memory, CPU time and open files, read from /proc (Linux): the benchmarks that
// hold many sockets measure the server process by its pid, not by everything the bench started.
import { readdir, readFile } from 'node:fs/promises';

/** Resident set (VmRSS) and its peak (VmHWM) in bytes, from /proc/<pid>/status. */
export async function residentBytes(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
}

/** User + system CPU time (ms) the process has used, from /proc/<pid>/stat (10 ms clock ticks). */
export async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** Descriptors the process holds now and its soft limit (RLIMIT_NOFILE, which Node raises to the hard limit). */
export async function openFiles(pid: number): Promise<{ open: number; limit: number }> {
  const open = (await readdir(`/proc/${pid}/fd`)).length;
  const limits = await readFile(`/proc/${pid}/limits`, 'utf8');
  const limit = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Infinity);
  return { open, limit };
}

/** The pid of this process's child whose command line contains `needle` (e.g. the server's entry file). */
export async function childPid(needle: string): Promise<number | null> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.includes(needle))) return Number(name);
  }
  return null;
}

export const mib = (bytes: number) => bytes / 1024 / 1024;

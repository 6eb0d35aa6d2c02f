// Small helpers for benchmarks: waiting, bounded concurrency, CPU accounting from /proc.
import { readdir, readFile } from 'node:fs/promises';
import { sleep } from './report.js';

/** Polls `cond` every 10 ms until it holds; throws when `signal` aborts. */
export async function waitFor(cond: () => boolean, signal: AbortSignal): Promise<void> {
  while (!cond()) {
    if (signal.aborted) throw new Error('interrupted');
    await sleep(10);
  }
}

/** Runs `fn` over `items`, at most `concurrency` at a time; answers in the items' order. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

/** CPU time (ms) of this process's children, i.e. the server, from /proc; null where unavailable. */
export async function childCpuMs(): Promise<number | null> {
  try {
    let total = 0;
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === process.pid) total += (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
    }
    return total;
  } catch {
    return null;
  }
}

/** CPU time (ms) the whole machine spent busy (all cores, not idle or waiting on I/O), from /proc/stat. */
export async function machineCpuMs(): Promise<number | null> {
  try {
    const f = (await readFile('/proc/stat', 'utf8'))
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    return (f.reduce((a, b) => a + b, 0) - f[3]! - f[4]!) * 10;
  } catch {
    return null;
  }
}

/** The URL with its password masked, for printing. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

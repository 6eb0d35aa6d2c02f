// Latency samples, percentiles and plain-text tables for the benchmark reports.

export class Samples {
  private readonly values: number[] = [];
  private sorted: number[] | null = null;

  add(ms: number): void {
    this.values.push(ms);
    this.sorted = null;
  }

  get count(): number {
    return this.values.length;
  }

  /** Nearest-rank percentile (p in 0..100); NaN when empty. */
  percentile(p: number): number {
    if (this.values.length === 0) return NaN;
    this.sorted ??= [...this.values].sort((a, b) => a - b);
    const rank = Math.ceil((p / 100) * this.sorted.length);
    return this.sorted[Math.min(this.sorted.length, Math.max(1, rank)) - 1]!;
  }

  get max(): number {
    return this.values.length === 0 ? NaN : this.percentile(100);
  }

  get mean(): number {
    return this.values.length === 0 ? NaN : this.values.reduce((a, b) => a + b, 0) / this.values.length;
  }

  merge(...others: Samples[]): Samples {
    const s = new Samples();
    for (const o of [this, ...others]) for (const v of o.values) s.add(v);
    return s;
  }
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** Columns aligned by `align` ('l' or 'r' each; default: the first left, the others right). */
export function table(header: string[], rows: (string | number)[][], align: string = 'l'): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const left = (i: number) => (align[i] ?? 'r') === 'l';
  const line = (r: string[]) =>
    r
      .map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export const LATENCY_HEADER = ['', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];

export function latencyRow(label: string, s: Samples): (string | number)[] {
  return [
    label,
    s.count,
    fmtMs(s.percentile(50)),
    fmtMs(s.percentile(95)),
    fmtMs(s.percentile(99)),
    fmtMs(s.max),
  ];
}

export function section(title: string): string {
  return `\n== ${title} ==`;
}

/** Rejects after `ms` (or when `signal` aborts) unless the promise settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms);
    const onAbort = () => reject(new Error(`interrupted: ${what}`));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

// video-setup's per-step breakdown: each page's set-up steps (bench/video/page/steps.ts) as ms after
// the visitor's call.start, p50 / p95 over the run, in the order they happen; and the figures of
// the legs' connections (ICE checks, candidates trickled, ICE and DTLS roles).
import { fmtMs, Samples, table } from '../lib/report.js';
import type { CallTimes } from './page/entry.js';

export class SetupBreakdown {
  private readonly steps = new Map<string, Samples>();
  private readonly numbers = new Map<string, Samples>();
  private readonly words = new Map<string, Map<string, number>>();

  /** One call: both pages' steps relative to `zero` (the visitor's call.start). */
  add(visitor: CallTimes, agent: CallTimes, zero: number): void {
    for (const [side, t] of [['visitor', visitor], ['agent', agent]] as const) {
      for (const [step, at] of Object.entries(t.steps ?? {})) this.sample(this.steps, `${side}: ${step}`, at - zero);
      for (const [name, v] of Object.entries(t.figures ?? {})) {
        if (typeof v === 'number') this.sample(this.numbers, name, v);
        else {
          const counts = this.words.get(name) ?? new Map<string, number>();
          counts.set(v, (counts.get(v) ?? 0) + 1);
          this.words.set(name, counts);
        }
      }
    }
  }

  stepsTable(): string {
    const rows = [...this.steps.entries()]
      .sort((a, b) => a[1].percentile(50) - b[1].percentile(50))
      .map(([name, s]) => [name, s.count, fmtMs(s.percentile(50)), fmtMs(s.percentile(95)), fmtMs(s.max)]);
    return table(['step (ms after call.start)', 'n', 'p50', 'p95', 'max'], rows);
  }

  figuresTable(): string {
    const rows: (string | number)[][] = [...this.numbers.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, s]) => [name, s.count, s.mean.toFixed(1), s.percentile(50), s.max]);
    for (const [name, counts] of [...this.words.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      rows.push([name, [...counts.values()].reduce((a, b) => a + b, 0), [...counts].map(([w, n]) => `${w} ${n}`).join(', '), '', '']);
    }
    return table(['per leg and party, per call', 'n', 'mean', 'p50', 'max'], rows);
  }

  private sample(into: Map<string, Samples>, key: string, v: number): void {
    let s = into.get(key);
    if (!s) into.set(key, (s = new Samples()));
    s.add(v);
  }
}

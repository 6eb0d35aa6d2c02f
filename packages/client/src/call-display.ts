import type { NetworkQuality } from '@visavis/protocol';

/** How both UIs show a call: its length as a phone shows it (0:05, 3:12, 1:02:03)… */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** …and signal bars for the network-quality indicator: 3 good, 2 fair, 1 poor, 0 not known yet. */
export function qualityBars(q: NetworkQuality | null): 0 | 1 | 2 | 3 {
  return q === 'good' ? 3 : q === 'fair' ? 2 : q === 'poor' ? 1 : 0;
}

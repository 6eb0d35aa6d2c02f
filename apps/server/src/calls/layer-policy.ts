import type { CallStatsReport, NetworkQuality } from '@visavis/protocol';

/**
 * Which simulcast layer a subscriber should get, from what it reports receiving. Pure, so the
 * thresholds are tested on their own. Steps down at once on trouble (loss, low estimate, new
 * freezes); steps up one layer at a time, only after `upAfter` good reports in a row, so the
 * picture does not flap between layers.
 */
export interface LayerState {
  layer: 0 | 1 | 2;
  goodReports: number;
  freezes: number;
}

/** Approximate bitrate each simulcast layer needs (kbps): low, mid, high. */
const LAYER_KBPS = [150, 500, 1500] as const;
const upAfter = 3;

export function initialLayerState(): LayerState {
  return { layer: 2, goodReports: 0, freezes: 0 };
}

export function nextLayer(state: LayerState, s: CallStatsReport): { state: LayerState; quality: NetworkQuality } {
  const newFreezes = Math.max(0, s.freezeCount - state.freezes);
  const bad = s.lossPct >= 10 || newFreezes > 0 || (s.availableKbps !== null && s.availableKbps < LAYER_KBPS[state.layer] * 0.8);
  const fair = s.lossPct >= 3 || (s.rttMs !== null && s.rttMs > 400);
  let layer = state.layer;
  let good = state.goodReports;
  if (bad) {
    // Fit the estimate if there is one; otherwise one step down.
    const fits = s.availableKbps === null ? layer - 1 : LAYER_KBPS.findLastIndex((k) => k * 0.8 <= s.availableKbps!);
    layer = Math.max(0, Math.min(layer - 1, fits)) as LayerState['layer'];
    good = 0;
  } else if (!fair) {
    good += 1;
    const roomForNext = layer < 2 && (s.availableKbps === null || s.availableKbps >= LAYER_KBPS[layer + 1]! * 1.2);
    if (good >= upAfter && roomForNext) {
      layer = (layer + 1) as LayerState['layer'];
      good = 0;
    }
  } else {
    good = 0;
  }
  const quality: NetworkQuality = bad ? 'poor' : fair ? 'fair' : 'good';
  return { state: { layer, goodReports: good, freezes: s.freezeCount }, quality };
}

import { describe, expect, it } from 'vitest';
import { initialLayerState, nextLayer, type LayerState } from './layer-policy.js';

const good = { lossPct: 0, availableKbps: 3000, freezeCount: 0, fps: 30, rttMs: 30 };

describe('simulcast layer policy', () => {
  it('starts high and stays there while reception is good', () => {
    const r = nextLayer(initialLayerState(), good);
    expect(r).toEqual({ state: { layer: 2, goodReports: 1, freezes: 0 }, quality: 'good' });
  });

  it.each([
    ['heavy loss', { ...good, lossPct: 15 }, 1],
    ['an estimate that only fits the lowest layer', { ...good, availableKbps: 200 }, 0],
    ['an estimate that fits the middle layer', { ...good, availableKbps: 900 }, 1],
    ['a new freeze', { ...good, freezeCount: 1 }, 1],
  ])('steps down at once on %s', (_what, stats, layer) => {
    const r = nextLayer(initialLayerState(), stats);
    expect(r.state.layer).toBe(layer);
    expect(r.quality).toBe('poor');
  });

  it('steps up one layer only after three good reports in a row, and not when the estimate is short', () => {
    let s: LayerState = { layer: 0, goodReports: 0, freezes: 0 };
    const layers: number[] = [];
    for (let i = 0; i < 7; i++) {
      s = nextLayer(s, good).state;
      layers.push(s.layer);
    }
    expect(layers).toEqual([0, 0, 1, 1, 1, 2, 2]);
    let t: LayerState = { layer: 1, goodReports: 2, freezes: 0 };
    t = nextLayer(t, { ...good, availableKbps: 1000 }).state; // 1500 * 1.2 needed for the top layer
    expect(t.layer).toBe(1);
  });

  it('reports fair on moderate loss or high round-trip time and resets the good streak', () => {
    const r = nextLayer({ layer: 1, goodReports: 2, freezes: 0 }, { ...good, lossPct: 4 });
    expect(r).toEqual({ state: { layer: 1, goodReports: 0, freezes: 0 }, quality: 'fair' });
    expect(nextLayer(initialLayerState(), { ...good, rttMs: 600 }).quality).toBe('fair');
  });

  it('counts only freezes that are new since the last report', () => {
    const s: LayerState = { layer: 2, goodReports: 0, freezes: 4 };
    expect(nextLayer(s, { ...good, freezeCount: 4 }).quality).toBe('good');
    expect(nextLayer(s, { ...good, freezeCount: 5 }).state.layer).toBe(1);
  });
});

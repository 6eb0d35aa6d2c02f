import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordingDirs } from './raw-dirs.js';
import { RecordingMonitor } from './recording-monitor.js';

/** A directory whose size the test sets, and a clock the test moves. */
function setup(opts = { startTimeoutMs: 5000, stallMs: 3000 }) {
  let bytes = 0;
  let now = 1_000_000;
  const dirs: RecordingDirs = {
    prepare: async (id) => `/raw/${id}`,
    bytes: async () => bytes,
    remove: async () => {},
  };
  const seen: string[] = [];
  const monitor = new RecordingMonitor(
    dirs,
    {
      running: (id, i) => seen.push(`running ${id} ${i.startDelayMs} ${i.resumed}`),
      notStarted: (id) => seen.push(`notStarted ${id}`),
      stalled: (id) => seen.push(`stalled ${id}`),
    },
    { pollMs: 60_000, ...opts },
    () => now,
  );
  return {
    monitor,
    seen,
    write: (n: number) => (bytes += n),
    advance: (ms: number) => (now += ms),
  };
}

describe('RecordingMonitor', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('reports running once the files grow, with the delay since media began flowing', async () => {
    const t = setup();
    stop = () => t.monitor.stopAll();
    t.monitor.mediaFlowing('c1', '/raw/c1');
    await t.monitor.tick('c1'); // baseline: nothing yet
    t.advance(400);
    t.write(2000);
    await t.monitor.tick('c1');
    expect(t.seen).toEqual(['running c1 400 false']);
    t.advance(250);
    t.write(500);
    await t.monitor.tick('c1');
    expect(t.seen).toHaveLength(1); // once per transition
    expect(t.monitor.state('c1')).toBe('running');
  });

  it('does not take a file that exists but never grows (a header alone) for a recording', async () => {
    const t = setup();
    stop = () => t.monitor.stopAll();
    t.write(28);
    t.monitor.mediaFlowing('c1', '/raw/c1');
    for (let i = 0; i < 5; i++) {
      await t.monitor.tick('c1');
      t.advance(900);
    }
    expect(t.seen).toEqual([]);
    t.advance(1000);
    await t.monitor.tick('c1');
    expect(t.seen).toEqual(['notStarted c1']);
    // Final: later growth does not revive a call that was refused.
    t.write(5000);
    await t.monitor.tick('c1');
    expect(t.seen).toEqual(['notStarted c1']);
  });

  it('reports a stall while media flows, and the resumption', async () => {
    const t = setup();
    stop = () => t.monitor.stopAll();
    t.monitor.mediaFlowing('c1', '/raw/c1');
    await t.monitor.tick('c1');
    t.write(100);
    await t.monitor.tick('c1');
    t.advance(2900);
    await t.monitor.tick('c1');
    expect(t.seen).toEqual(['running c1 0 false']);
    t.advance(200);
    await t.monitor.tick('c1');
    expect(t.seen.at(-1)).toBe('stalled c1');
    t.write(100);
    t.advance(100);
    await t.monitor.tick('c1');
    expect(t.seen.at(-1)).toBe('running c1 3200 true');
  });

  it('is not stalled while nobody sends media (everyone muted)', async () => {
    const t = setup();
    stop = () => t.monitor.stopAll();
    t.monitor.mediaFlowing('c1', '/raw/c1');
    await t.monitor.tick('c1');
    t.write(100);
    await t.monitor.tick('c1');
    t.monitor.setSending('c1', false);
    t.advance(60_000);
    await t.monitor.tick('c1');
    expect(t.seen).toEqual(['running c1 0 false']);
    // Unmuting restarts the clock: no instant stall for the silent minute.
    t.monitor.setSending('c1', true);
    await t.monitor.tick('c1');
    expect(t.seen).toHaveLength(1);
    t.advance(3000);
    await t.monitor.tick('c1');
    expect(t.seen.at(-1)).toBe('stalled c1');
  });

  it('forgets a stopped call', async () => {
    const t = setup();
    t.monitor.mediaFlowing('c1', '/raw/c1');
    t.monitor.stop('c1');
    t.write(100);
    await t.monitor.tick('c1');
    expect(t.seen).toEqual([]);
    expect(t.monitor.state('c1')).toBeNull();
  });

  it('looks for the first growth often (the call waits for it), then at the usual pace', async () => {
    vi.useFakeTimers();
    let bytes = 0;
    let reads = 0;
    const dirs: RecordingDirs = { prepare: async (id) => `/raw/${id}`, bytes: async () => (reads++, bytes), remove: async () => {} };
    const running: string[] = [];
    const monitor = new RecordingMonitor(
      dirs,
      { running: (id) => running.push(id), notStarted: () => {}, stalled: () => {} },
      { pollMs: 100, startPollMs: 10, startTimeoutMs: 5000, stallMs: 3000 },
    );
    stop = () => {
      monitor.stopAll();
      vi.useRealTimers();
    };
    monitor.mediaFlowing('c1', '/raw/c1');
    await vi.advanceTimersByTimeAsync(15);
    bytes = 500;
    await vi.advanceTimersByTimeAsync(10);
    expect(running).toEqual(['c1']); // seen 10 ms after the files grew, not a 100 ms poll later
    const before = reads;
    await vi.advanceTimersByTimeAsync(300);
    expect(reads - before).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { Heartbeat } from './heartbeat.js';

class FakeSocket {
  pings = 0;
  terminated = false;
  ping() {
    this.pings++;
  }
  terminate() {
    this.terminated = true;
  }
}

/** A heartbeat on a hand-moved clock; `advance` runs the ticks its timer would have run. */
function setup(count: number, intervalMs = 25_000, slices = 25) {
  let now = 1_000_000;
  const hb = new Heartbeat<FakeSocket>(intervalMs, slices, () => now);
  const sockets = Array.from({ length: count }, () => new FakeSocket());
  for (const s of sockets) hb.add(s);
  const tickMs = intervalMs / slices;
  /** Moves the clock tick by tick; after each tick the `answering` sockets answer their pings. */
  const advance = (ms: number, answering: FakeSocket[] = sockets) => {
    for (let t = 0; t < ms; t += tickMs) {
      now += tickMs;
      hb.tick();
      for (const s of answering) hb.pong(s);
    }
  };
  return { hb, sockets, advance };
}

const pinged = (ss: FakeSocket[]) => ss.filter((s) => s.pings > 0).length;

describe('Heartbeat', () => {
  it('spreads one round of pings over the interval instead of pinging every socket at once', () => {
    const { sockets, advance } = setup(1000);
    advance(25_000); // the first round is due after one interval
    expect(pinged(sockets)).toBe(40); // its first slice: 1000 / 25
    advance(1_000);
    expect(pinged(sockets)).toBe(80);
    advance(23_000);
    expect(pinged(sockets)).toBe(1000);
    expect(sockets.every((s) => s.pings === 1)).toBe(true);
  });

  it('pings each socket once per interval, round after round', () => {
    const { sockets, advance } = setup(300);
    advance(25_000 * 4 + 24_000); // four rounds, 25 s apart, each 25 slices long
    expect(new Set(sockets.map((s) => s.pings))).toEqual(new Set([4]));
  });

  it('terminates a socket that did not answer its ping by its next turn, and only that one', () => {
    const { hb, sockets, advance } = setup(50);
    const silent = sockets[7]!;
    const answering = sockets.filter((s) => s !== silent);
    advance(50_000, answering); // round 1 pings everyone
    expect(silent.terminated).toBe(false);
    advance(25_000, answering); // round 2 finds the silent socket's ping unanswered
    expect(silent.terminated).toBe(true);
    expect(answering.some((s) => s.terminated)).toBe(false);
    expect(hb.size).toBe(49);
  });

  it('never pings a socket that was removed', () => {
    const { hb, sockets, advance } = setup(10);
    hb.remove(sockets[0]!);
    advance(25_000 * 3);
    expect(sockets[0]!.pings).toBe(0);
    expect(sockets[1]!.pings).toBe(3);
  });

  it('gives a ping half an interval before counting it lost when a round reaches its socket early', () => {
    const { hb, sockets, advance } = setup(100);
    const late = sockets[99]!;
    const others = sockets.slice(0, 99);
    advance(49_000, others); // round 1 (25 s .. 49 s) pinged `late` in its last slice; no answer yet
    expect(late.pings).toBe(1);
    for (const s of sockets.slice(0, 96)) hb.remove(s); // most sockets leave: round 2 reaches `late` at once
    advance(1_000, []);
    expect(late.terminated).toBe(false);
    advance(30_000, []); // still silent a whole interval later: dead
    expect(late.terminated).toBe(true);
  });
});

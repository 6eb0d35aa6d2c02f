import { describe, expect, it } from 'vitest';
import { fakeClock } from './testing/fake-clock.js';
import { PeerTyping, TYPING_IDLE_MS, TYPING_REFRESH_MS, TypingSignal } from './typing.js';

describe('TypingSignal (this side, throttled)', () => {
  it('sends true once per refresh window and false after idling', () => {
    const sent: boolean[] = [];
    const { clock, advance } = fakeClock();
    const typing = new TypingSignal((v) => sent.push(v), { refreshMs: 3000, idleMs: 4000, clock });
    typing.keystroke();
    advance(500);
    typing.keystroke();
    advance(500);
    typing.keystroke();
    expect(sent).toEqual([true]);
    advance(2500);
    typing.keystroke(); // 3.5 s after the first: refresh
    expect(sent).toEqual([true, true]);
    advance(4000);
    expect(sent).toEqual([true, true, false]);
    expect(typing.typing).toBe(false);
  });

  it('sends false once when stopped explicitly, and nothing if never typing', () => {
    const sent: boolean[] = [];
    const { clock, advance } = fakeClock();
    const typing = new TypingSignal((v) => sent.push(v), { clock });
    typing.stop();
    expect(sent).toEqual([]);
    typing.keystroke();
    typing.stop();
    typing.stop();
    advance(10_000);
    expect(sent).toEqual([true, false]);
  });

  it('keeps the defaults both UIs used: refresh after 3 s, stop after 4 s idle', () => {
    const sent: boolean[] = [];
    const { clock, advance } = fakeClock();
    const typing = new TypingSignal((v) => sent.push(v), { clock });
    typing.keystroke();
    advance(TYPING_REFRESH_MS - 1);
    typing.keystroke();
    expect(sent).toEqual([true]);
    advance(1);
    typing.keystroke();
    expect(sent).toEqual([true, true]);
    advance(TYPING_IDLE_MS - 1);
    expect(sent).toEqual([true, true]);
    advance(1);
    expect(sent).toEqual([true, true, false]);
  });

  it('reset forgets without telling, and cancels the idle stop', () => {
    const sent: boolean[] = [];
    const { clock, advance } = fakeClock();
    const typing = new TypingSignal((v) => sent.push(v), { clock });
    typing.keystroke();
    typing.reset();
    advance(10_000);
    expect(sent).toEqual([true]);
    typing.keystroke(); // a new start says "typing" again at once
    expect(sent).toEqual([true, true]);
  });
});

describe('PeerTyping (the other side, expiring)', () => {
  it('turns itself off ttl after the last "typing", each push starting the expiry over', () => {
    const changes: boolean[] = [];
    const { clock, advance } = fakeClock();
    const peer = new PeerTyping((v) => changes.push(v), 6000, clock);
    peer.set(true);
    advance(5000);
    peer.set(true); // refreshed: no change heard, the expiry starts over
    advance(5000);
    expect(peer.typing).toBe(true);
    advance(1000);
    expect(peer.typing).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('an explicit "stopped" ends it at once; reset is silent', () => {
    const changes: boolean[] = [];
    const { clock, advance } = fakeClock();
    const peer = new PeerTyping((v) => changes.push(v), 6000, clock);
    peer.set(false);
    expect(changes).toEqual([]);
    peer.set(true);
    peer.set(false);
    peer.set(true);
    peer.reset();
    advance(10_000);
    expect(changes).toEqual([true, false, true]);
    expect(peer.typing).toBe(false);
  });
});

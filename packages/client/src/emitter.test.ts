import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter.js';

class Bell extends Emitter<{ ring: number; quiet: undefined }> {
  ring(n: number): void {
    this.emit('ring', n);
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Emitter', () => {
  it('calls listeners of that event in the order they were added, until they are removed', () => {
    const bell = new Bell();
    const got: string[] = [];
    const offA = bell.on('ring', (n) => got.push(`a${n}`));
    bell.on('ring', (n) => got.push(`b${n}`));
    bell.on('quiet', () => got.push('never'));
    bell.ring(1);
    offA();
    bell.ring(2);
    expect(got).toEqual(['a1', 'b1', 'b2']);
  });

  it('keeps calling the other listeners when one throws, and reports the error', () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (e: unknown) => reported.push(e));
    const bell = new Bell();
    const got: number[] = [];
    const boom = new Error('listener bug');
    bell.on('ring', () => {
      throw boom;
    });
    bell.on('ring', (n) => got.push(n));
    expect(() => bell.ring(3)).not.toThrow();
    expect(got).toEqual([3]);
    expect(reported).toEqual([boom]);
  });
});

import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle.js';

describe('Lifecycle', () => {
  const parts = (log: string[], life: Lifecycle, names: string[]) => {
    for (const name of names) life.add({ name, start: () => void log.push(`start ${name}`), stop: () => void log.push(`stop ${name}`) });
  };

  it('starts in registration order and stops in reverse, once', async () => {
    const log: string[] = [];
    const life = new Lifecycle(() => {});
    parts(log, life, ['database', 'http', 'jobs']);
    await life.startAll();
    await Promise.all([life.stopAll(), life.stopAll()]);
    expect(log).toEqual(['start database', 'start http', 'start jobs', 'stop jobs', 'stop http', 'stop database']);
    expect(() => life.add({ name: 'late' })).toThrow('stopping');
  });

  it('keeps stopping the others when one stop fails, and reports it', async () => {
    const log: string[] = [];
    const errors: string[] = [];
    const life = new Lifecycle((_e, part) => errors.push(part));
    parts(log, life, ['database']);
    life.add({ name: 'broken', stop: () => Promise.reject(new Error('no')) });
    parts(log, life, ['jobs']);
    await life.startAll();
    await life.stopAll();
    expect(log.filter((l) => l.startsWith('stop'))).toEqual(['stop jobs', 'stop database']);
    expect(errors).toEqual(['broken']);
  });

  it('a failing start stops what was built, in reverse, and rethrows', async () => {
    const log: string[] = [];
    const life = new Lifecycle(() => {});
    parts(log, life, ['database']);
    life.add({ name: 'http', start: () => Promise.reject(new Error('port in use')), stop: () => void log.push('stop http') });
    parts(log, life, ['jobs']);
    await expect(life.startAll()).rejects.toThrow('port in use');
    expect(log).toEqual(['start database', 'stop jobs', 'stop http', 'stop database']);
  });
});

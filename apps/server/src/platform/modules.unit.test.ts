import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle.js';
import { CommandTable, jobPart } from './modules.js';

describe('CommandTable', () => {
  it('runs the one handler a module registered for a topic', async () => {
    const table = new CommandTable();
    const ended: string[] = [];
    table.handle('call.end', async ({ callId, reason }) => void ended.push(`${callId} ${reason}`));
    await table.run('call.end', { orgId: 'o', callId: 'c1', reason: 'peer_lost' });
    expect(ended).toEqual(['c1 peer_lost']);
    await expect(table.run('call.ring_timeout', { orgId: 'o', callId: 'c1' })).rejects.toThrow('no handler for command call.ring_timeout');
  });

  it('refuses a second owner of a topic', () => {
    const table = new CommandTable();
    table.handleAll({ 'routing.drain': async () => {} });
    expect(() => table.handle('routing.drain', async () => {})).toThrow('routing.drain has a handler already');
  });

  it('names the topics no module handles', () => {
    const table = new CommandTable();
    table.handleAll({
      'routing.drain': async () => {},
      'routing.offer_timeout': async () => {},
      'routing.recheck': async () => {},
      'call.ring_timeout': async () => {},
    });
    expect(() => table.assertComplete()).toThrow('no module handles the commands call.end, client_recording.finish');
    table.handle('call.end', async () => {});
    table.handle('client_recording.finish', async () => {});
    expect(() => table.assertComplete()).not.toThrow();
  });
});

describe('module jobs in the server lifecycle', () => {
  it('start after the parts registered before them and stop, in reverse, before those parts', async () => {
    const log: string[] = [];
    const job = (name: string) => jobPart(name, { start: () => void log.push(`start ${name}`), stop: () => void log.push(`stop ${name}`) });
    const life = new Lifecycle(() => {});
    const jobs = new Lifecycle(() => {});
    life.add({ name: 'database', stop: () => void log.push('stop database') });
    jobs.add(job('sweeper'));
    life.add({ name: 'http', stop: () => void log.push('stop http') });
    jobs.add(job('dispatcher'));
    life.add({ name: 'background jobs', start: () => jobs.startAll(), stop: () => jobs.stopAll() });
    await life.startAll();
    await life.stopAll();
    expect(log).toEqual(['start sweeper', 'start dispatcher', 'stop dispatcher', 'stop sweeper', 'stop http', 'stop database']);
  });
});

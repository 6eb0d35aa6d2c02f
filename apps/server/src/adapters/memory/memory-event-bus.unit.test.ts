import { describe, expect, it } from 'vitest';
import { eventBusContract } from '../../ports/event-bus.contract.js';
import { MemoryEventBus } from './memory-event-bus.js';

eventBusContract('MemoryEventBus', (onHandlerError) => new MemoryEventBus(onHandlerError));

describe('MemoryEventBus', () => {
  it('has delivered to every handler when publish returns (callers and tests rely on it)', async () => {
    const bus = new MemoryEventBus();
    const got: string[] = [];
    bus.subscribe('agent.access_changed', (m) => got.push(m.agentId));
    const pending = bus.publish('agent.access_changed', { agentId: 'a1' });
    expect(got).toEqual(['a1']);
    await pending;
    await bus.close();
  });

  it('forgets the oldest ids beyond its dedupe window', async () => {
    const bus = new MemoryEventBus(undefined, { dedupeWindow: 2 });
    const got: string[] = [];
    bus.subscribe('agent.access_changed', (m) => got.push(m.agentId));
    for (const id of ['1', '2', '3', '1', '3']) await bus.publish('agent.access_changed', { agentId: id }, { id });
    expect(got).toEqual(['1', '2', '3', '1']);
    await bus.close();
  });

  it('stops waiting for a handler that never settles after its close timeout', async () => {
    const bus = new MemoryEventBus(undefined, { closeTimeoutMs: 50 });
    bus.subscribe('agent.access_changed', () => new Promise(() => {}));
    await bus.publish('agent.access_changed', { agentId: 'a1' });
    const start = Date.now();
    await bus.close();
    expect(Date.now() - start).toBeLessThan(1_000);
  });
});

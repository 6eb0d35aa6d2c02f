import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusTopics, EventBus } from './event-bus.js';

/**
 * The EventBus contract (see the comment on `EventBus`), written once: every adapter runs it with
 * a factory for a fresh bus that reports handler errors to the given sink — `MemoryEventBus` in
 * `adapters/memory/memory-event-bus.unit.test.ts`, the Redis adapter next. Assertions wait for
 * delivery, so an asynchronous adapter passes as well as a synchronous one; "not delivered" is
 * checked behind a later event on the same topic, which ordering says must come after.
 */
export function eventBusContract(name: string, make: (onHandlerError: (e: unknown) => void) => Promise<EventBus> | EventBus): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let errors: unknown[];
    beforeEach(async () => {
      errors = [];
      bus = await make((e) => errors.push(e));
    });
    afterEach(async () => bus.close());

    const event = (conversationId: string, seq: number): BusTopics['conversation.event'] => ({
      orgId: 'org-1', conversationId, seq, at: new Date(1_000 + seq).toISOString(), event: { type: 'conversation.queued', reason: `r${seq}` },
    });
    const presence = (agentId: string): BusTopics['presence.changed'] => ({ orgId: 'org-1', agentId, presence: 'online' });

    it('hands each handler the payload as plain JSON, never the publisher\'s object', async () => {
      const got: BusTopics['presence.changed'][] = [];
      bus.subscribe('presence.changed', (p) => got.push(p));
      const sent = presence('a1');
      await bus.publish('presence.changed', sent);
      sent.presence = 'away';
      await waitFor(() => got.length === 1);
      expect(got[0]).toEqual(presence('a1'));
      expect(got[0]).not.toBe(sent);
    });

    it('delivers a conversation\'s events to every handler in publish order, also when a handler publishes meanwhile', async () => {
      const seen = [new Map<string, number[]>(), new Map<string, number[]>()];
      const record = (i: number) => (e: BusTopics['conversation.event']) => {
        const list = seen[i]!.get(e.conversationId) ?? [];
        seen[i]!.set(e.conversationId, [...list, e.seq]);
      };
      bus.subscribe('conversation.event', record(0));
      // A handler that reacts to seq 1 of c-x by publishing seq 2 of c-x, before the second handler saw seq 1.
      bus.subscribe('conversation.event', (e) => {
        if (e.conversationId === 'c-x' && e.seq === 1) void bus.publish('conversation.event', event('c-x', 2));
      });
      bus.subscribe('conversation.event', record(1));
      await bus.publish('conversation.event', event('c-x', 1));
      for (let seq = 1; seq <= 40; seq++) {
        await bus.publish('conversation.event', event('c-a', seq));
        await bus.publish('conversation.event', event('c-b', seq));
      }
      const counts = (m: Map<string, number[]>) => [m.get('c-x')?.length, m.get('c-a')?.length, m.get('c-b')?.length];
      await waitFor(() => seen.every((m) => counts(m).join() === '2,40,40'));
      const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
      for (const m of seen) {
        expect(m.get('c-x')).toEqual([1, 2]);
        expect(m.get('c-a')).toEqual(upTo(40));
        expect(m.get('c-b')).toEqual(upTo(40));
      }
    });

    it('hands an event published again with the same id to each handler once', async () => {
      const got = [[], []] as string[][];
      bus.subscribe('presence.changed', (p) => got[0]!.push(p.agentId));
      bus.subscribe('presence.changed', (p) => got[1]!.push(p.agentId));
      const id = '0b7f6c1e-4d0a-4a57-9a51-6f0a2f2f9d11';
      await bus.publish('presence.changed', presence('dup'), { id });
      await bus.publish('presence.changed', presence('dup'), { id });
      await bus.publish('presence.changed', presence('other'), { id: '2d2bb0a4-9a49-4f4b-8f0e-3a7f4c5d6e01' });
      await bus.publish('presence.changed', presence('dup'), { id });
      // Without an id nothing is deduplicated.
      await bus.publish('presence.changed', presence('plain'));
      await bus.publish('presence.changed', presence('plain'));
      await waitFor(() => got.every((g) => g.length >= 4));
      for (const g of got) expect(g).toEqual(['dup', 'other', 'plain', 'plain']);
    });

    it('keeps delivering to the others, and to the handler itself, when a handler throws; the error is reported', async () => {
      let calls = 0;
      const got: string[] = [];
      bus.subscribe('presence.changed', () => {
        calls++;
        throw new Error('handler broke');
      });
      bus.subscribe('presence.changed', (p) => got.push(p.agentId));
      await bus.publish('presence.changed', presence('a1'));
      await bus.publish('presence.changed', presence('a2'));
      await waitFor(() => got.length === 2 && calls === 2 && errors.length === 2);
      expect(got).toEqual(['a1', 'a2']);
      expect(errors.map((e) => (e as Error).message)).toEqual(['handler broke', 'handler broke']);
    });

    it('delays no one for a slow handler, and reports its rejection', async () => {
      const slowMs = 400;
      let slowCalls = 0;
      bus.subscribe('presence.changed', async () => {
        slowCalls++;
        await sleep(slowMs);
        throw new Error('slow handler failed');
      });
      const arrived: number[] = [];
      bus.subscribe('presence.changed', () => arrived.push(Date.now()));
      const start = Date.now();
      for (const a of ['a1', 'a2', 'a3']) await bus.publish('presence.changed', presence(a));
      await waitFor(() => arrived.length === 3);
      expect(slowCalls).toBe(3);
      // The bound: well under one slow handler's time.
      expect(Math.max(...arrived) - start).toBeLessThan(slowMs / 2);
      await waitFor(() => errors.length === 3, slowMs * 4);
      expect((errors[0] as Error).message).toBe('slow handler failed');
    });

    it('makes each subscribe one subscription, stopped by its unsubscribe (twice is harmless)', async () => {
      const got: string[] = [];
      const sentinel: string[] = [];
      const handler = (p: BusTopics['presence.changed']) => got.push(p.agentId);
      const off1 = bus.subscribe('presence.changed', handler);
      const off2 = bus.subscribe('presence.changed', handler);
      bus.subscribe('presence.changed', (p) => sentinel.push(p.agentId));
      await bus.publish('presence.changed', presence('both'));
      await waitFor(() => sentinel.length === 1);
      off1();
      await bus.publish('presence.changed', presence('one'));
      off1();
      await bus.publish('presence.changed', presence('still-one'));
      off2();
      await bus.publish('presence.changed', presence('none'));
      await waitFor(() => sentinel.length === 4);
      expect(got).toEqual(['both', 'both', 'one', 'still-one']);
    });

    it('delivers a topic only to its own subscribers', async () => {
      const typing: unknown[] = [];
      const presences: unknown[] = [];
      bus.subscribe('conversation.typing', (t) => typing.push(t));
      bus.subscribe('presence.changed', (p) => presences.push(p));
      await bus.publish('presence.changed', presence('a1'));
      await waitFor(() => presences.length === 1);
      expect(typing).toEqual([]);
    });

    it('close() waits for handlers in flight; afterwards nothing is delivered, publish resolves, subscribe throws', async () => {
      let finished = false;
      let calls = 0;
      bus.subscribe('presence.changed', async () => {
        calls++;
        await sleep(100);
        finished = true;
      });
      await bus.publish('presence.changed', presence('a1'));
      await waitFor(() => calls === 1);
      await bus.close();
      expect(finished).toBe(true);
      await expect(bus.publish('presence.changed', presence('late'))).resolves.toBeUndefined();
      await sleep(50);
      expect(calls).toBe(1);
      expect(() => bus.subscribe('presence.changed', () => {})).toThrow(/closed/);
      await expect(bus.close()).resolves.toBeUndefined();
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}

import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '@visavis/protocol';
import { EventListeners } from './domain-events.js';

const queued: DomainEvent<'conversation.queued'> = {
  id: '7a0c2f4e-5b1d-4d3a-9f6e-2c8b1a0d9e7f', type: 'conversation.queued', orgId: 'o1', at: '2026-01-01T00:00:00.000Z',
  data: { conversationId: 'c1', reason: 'waiting' },
};

describe('EventListeners', () => {
  it('runs every listener of the type, in registration order, and none of other types', async () => {
    const heard: string[] = [];
    const l = new EventListeners();
    l.on('conversation.queued', 'first', async (e) => void heard.push(`first ${e.data.conversationId}`));
    l.on('conversation.queued', 'second', async () => void heard.push('second'));
    l.on('conversation.closed', 'other', async () => void heard.push('other'));
    await l.deliver(queued);
    expect(heard).toEqual(['first c1', 'second']);
    expect(l.catalogue()).toEqual({ 'conversation.queued': ['first', 'second'], 'conversation.closed': ['other'] });
  });

  it('isolates a failing listener: the others still run, then the delivery fails so the row comes back', async () => {
    const heard: string[] = [];
    const l = new EventListeners();
    l.on('conversation.queued', 'breaks', async () => {
      throw new Error('boom');
    });
    l.on('conversation.queued', 'works', async () => void heard.push('works'));
    await expect(l.deliver(queued)).rejects.toThrow(/breaks: boom/);
    expect(heard).toEqual(['works']);
  });

  it('refuses a payload that is not a domain event and a listener registered twice', async () => {
    const l = new EventListeners();
    await expect(l.deliver({ type: 'routing.drain' })).rejects.toThrow('not a domain event');
    await expect(l.deliver(null)).rejects.toThrow('not a domain event');
    l.on('conversation.queued', 'once', async () => {});
    expect(() => l.on('conversation.queued', 'once', async () => {})).toThrow('already registered');
  });

  it('delivers an event with no listener as done', async () => {
    await expect(new EventListeners().deliver(queued)).resolves.toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENT_TYPES, isDomainEventType, type DomainEvent, type DomainEventType } from './domain-events.js';

// Compiles only while every type of DomainEventData is listed in DOMAIN_EVENT_TYPES.
const everyTypeListed: [Exclude<DomainEventType, (typeof DOMAIN_EVENT_TYPES)[number]>] extends [never] ? true : false = true;

describe('domain events', () => {
  it('lists every type once', () => {
    expect(everyTypeListed).toBe(true);
    expect(new Set(DOMAIN_EVENT_TYPES).size).toBe(DOMAIN_EVENT_TYPES.length);
  });

  it('names each fact entity.past_tense', () => {
    const pastTense = /(ed|sent|rang|taken)$/;
    for (const t of DOMAIN_EVENT_TYPES) {
      expect(t).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(t.split('.')[1]).toMatch(pastTense);
    }
  });

  it('keeps commands, timers and ephemeral signals out', () => {
    for (const t of ['call.end', 'routing.drain', 'routing.offer_timeout', 'routing.recheck', 'call.ring_timeout', 'conversation.typing', 'inbox.updated']) {
      expect(isDomainEventType(t)).toBe(false);
    }
    expect(isDomainEventType('conversation.closed')).toBe(true);
  });

  it('narrows data on type', () => {
    const e = {
      id: '5f1c7d2e-0a4b-4c8e-9d3f-2b6a1e7c9f00', type: 'conversation.closed', orgId: 'o', at: new Date(0).toISOString(),
      data: { conversationId: 'c', by: 'visitor' },
    } as DomainEvent;
    const by = e.type === 'conversation.closed' ? e.data.by : null;
    expect(by).toBe('visitor');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientMsgId } from '@visavis/protocol';
import { newClientMsgId } from './ids.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('newClientMsgId', () => {
  it('makes ids the server accepts as clientMsgId, without repeats', () => {
    const ids = Array.from({ length: 2000 }, newClientMsgId);
    for (const id of ids.slice(0, 50)) expect(ClientMsgId.safeParse(id).success).toBe(true);
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('still works where crypto.randomUUID is missing (older in-app WebViews)', () => {
    vi.stubGlobal('crypto', {});
    const id = newClientMsgId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(ClientMsgId.safeParse(id).success).toBe(true);
  });
});

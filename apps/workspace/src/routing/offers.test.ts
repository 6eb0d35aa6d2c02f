import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OfferView, ServerMessage } from '@visavis/protocol';
import { VisavisError } from '@visavis/client';
import { OffersStore, type OfferTransport } from './offers.js';

const offer = (id: string, expiresInMs = 20_000): OfferView => ({
  id,
  conversationId: `c-${id}`,
  visitorId: `v-${id}`,
  visitorName: 'Zhang',
  pageUrl: null,
  vip: false,
  media: 'chat',
  groupName: null,
  reason: 'least-loaded: most free capacity',
  createdAt: new Date(Date.now()).toISOString(),
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
});

function setup(answers: Record<string, unknown> = {}) {
  let push: (m: ServerMessage) => void = () => {};
  const sent: unknown[] = [];
  const transport: OfferTransport = {
    listen: (fn) => {
      push = fn;
      return () => (push = () => {});
    },
    request: async <T>(cmd: { type: string }) => {
      sent.push(cmd);
      const a = answers[cmd.type];
      if (a instanceof Error) throw a;
      return a as T;
    },
  };
  const rang: string[] = [];
  const store = new OffersStore(transport, (o) => rang.push(o.id));
  store.start();
  return { store, push: (m: ServerMessage) => push(m), sent, rang };
}

afterEach(() => vi.unstubAllGlobals());

describe('OffersStore', () => {
  it('adds ringing offers once, rings for each, and removes them when they end', () => {
    const { store, push, rang } = setup();
    push({ type: 'offer.ringing', offer: offer('o1') });
    push({ type: 'offer.ringing', offer: offer('o1') });
    push({ type: 'offer.ringing', offer: offer('o2') });
    expect(store.getState().map((o) => o.id)).toEqual(['o1', 'o2']);
    expect(rang).toEqual(['o1', 'o2']);
    push({ type: 'offer.ended', offerId: 'o1', status: 'timeout' });
    expect(store.getState().map((o) => o.id)).toEqual(['o2']);
    store.stop();
  });

  it('reloads the list after every (re)connect, ringing only for new ones', async () => {
    const listed = [offer('o1'), offer('o3')];
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ offers: listed }), { status: 200 }));
    const { store, push, rang } = setup();
    push({ type: 'offer.ringing', offer: offer('o1') });
    push({ type: 'offer.ringing', offer: offer('o2') });
    await store.reload();
    expect(store.getState().map((o) => o.id)).toEqual(['o1', 'o3']);
    expect(rang).toEqual(['o1', 'o2', 'o3']);
  });

  it('accepts over the socket and answers the conversation; a failed accept keeps the card', async () => {
    const ok = setup({ 'offer.accept': { conversationId: 'c-o1' } });
    ok.push({ type: 'offer.ringing', offer: offer('o1') });
    await expect(ok.store.accept('o1')).resolves.toBe('c-o1');
    expect(ok.sent).toEqual([{ type: 'offer.accept', offerId: 'o1' }]);
    expect(ok.store.getState()).toEqual([]);

    const gone = setup({ 'offer.accept': new VisavisError('DISCONNECTED', 'x') });
    gone.push({ type: 'offer.ringing', offer: offer('o1') });
    await expect(gone.store.accept('o1')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(gone.store.getState().map((o) => o.id)).toEqual(['o1']);
  });

  it('drops offers a few seconds past their expiry when the end push was lost', () => {
    const { store, push } = setup();
    push({ type: 'offer.ringing', offer: offer('o1', 1_000) });
    store.dropExpired(Date.now() + 2_000);
    expect(store.getState()).toHaveLength(1);
    store.dropExpired(Date.now() + 4_500);
    expect(store.getState()).toEqual([]);
  });
});

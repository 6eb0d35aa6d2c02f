import type { OfferView, ServerMessage } from '@visavis/protocol';
import type { Command } from '@visavis/client';
import { routingApi } from './api.js';

/** What the offers store needs from the workspace store: pushes, and WebSocket commands. */
export interface OfferTransport {
  listen(fn: (m: ServerMessage) => void): () => void;
  request<T>(cmd: Command): Promise<T>;
}

/** An offer rings this long past its expiry before we drop it ourselves (a lost `offer.ended`). */
const GRACE_MS = 3_000;

/**
 * Offers ringing for this agent (auto-accept off): loaded with GET /api/offers after every
 * (re)connect, then kept by the `offer.ringing` / `offer.ended` pushes. Accept and decline go
 * over the WebSocket. React reads `getState()` with useSyncExternalStore.
 */
export class OffersStore {
  private offers: readonly OfferView[] = [];
  private readonly listeners = new Set<() => void>();
  private off: (() => void) | null = null;
  private sweep: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly transport: OfferTransport,
    private readonly onRing: (o: OfferView) => void,
  ) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): readonly OfferView[] => this.offers;

  private set(next: readonly OfferView[]): void {
    if (next === this.offers) return;
    this.offers = next;
    for (const fn of this.listeners) fn();
  }

  start(): void {
    if (this.off) return;
    this.off = this.transport.listen((m) => this.onMessage(m));
    this.sweep = setInterval(() => this.dropExpired(Date.now()), 1000);
  }

  stop(): void {
    this.off?.();
    this.off = null;
    clearInterval(this.sweep);
  }

  /** After a (re)connect the pushes we missed are lost: the list from the server is the truth. */
  async reload(): Promise<void> {
    try {
      const { offers } = await routingApi.offers();
      const known = new Set(this.offers.map((o) => o.id));
      this.set(offers);
      for (const o of offers) if (!known.has(o.id)) this.onRing(o);
    } catch {
      // Keep what we have; the next reconnect or push corrects it.
    }
  }

  private onMessage(m: ServerMessage): void {
    if (m.type === 'ready') void this.reload();
    else if (m.type === 'offer.ringing') {
      if (this.offers.some((o) => o.id === m.offer.id)) return;
      this.set([...this.offers, m.offer]);
      this.onRing(m.offer);
    } else if (m.type === 'offer.ended') this.remove(m.offerId);
  }

  remove(offerId: string): void {
    if (this.offers.some((o) => o.id === offerId)) this.set(this.offers.filter((o) => o.id !== offerId));
  }

  dropExpired(now: number): void {
    const alive = this.offers.filter((o) => Date.parse(o.expiresAt) + GRACE_MS > now);
    if (alive.length !== this.offers.length) this.set(alive);
  }

  /**
   * Answers the conversation now assigned to us. On failure the card stays to show why (it goes
   * when its `offer.ended` arrives or it expires); a network error can then be retried.
   */
  async accept(offerId: string): Promise<string> {
    const { conversationId } = await this.transport.request<{ conversationId: string }>({
      type: 'offer.accept',
      offerId,
    });
    this.remove(offerId);
    return conversationId;
  }

  async decline(offerId: string): Promise<void> {
    await this.transport.request({ type: 'offer.decline', offerId });
    this.remove(offerId);
  }
}

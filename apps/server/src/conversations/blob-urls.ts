import { timingSafeEqual } from 'node:crypto';
import type { SequencedEvent } from '@visavis/protocol';
import type { TokenSigner } from '../identity/index.js';

const URL_TTL_MS = 60 * 60 * 1000;

/**
 * Attachments are fetched by <img>/<a>, which cannot send a bearer token, so each reader gets
 * short-lived signed URLs, minted when an event is presented to an already-authorized reader.
 */
export class BlobUrls {
  constructor(
    private readonly signer: TokenSigner,
    private readonly now: () => number,
  ) {}

  sign(blobId: string): string {
    const exp = Math.floor((this.now() + URL_TTL_MS) / 1000);
    return `/api/blobs/${blobId}?exp=${exp}&sig=${this.signer.mac(`blob.${blobId}.${exp}`)}`;
  }

  verify(blobId: string, exp: number, sig: string): boolean {
    if (!Number.isFinite(exp) || exp * 1000 < this.now()) return false;
    const expected = this.signer.mac(`blob.${blobId}.${exp}`);
    return expected.length === sig.length && timingSafeEqual(Buffer.from(expected), Buffer.from(sig));
  }

  present(e: SequencedEvent): SequencedEvent {
    // An expired attachment (deleted under retention) gets no link: there is nothing to fetch.
    if (e.event.type !== 'message' || !e.event.attachment || e.event.attachment.expired) return e;
    return { ...e, event: { ...e.event, attachment: { ...e.event.attachment, url: this.sign(e.event.attachment.blobId) } } };
  }
}

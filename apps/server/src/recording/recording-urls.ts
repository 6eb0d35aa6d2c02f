import { timingSafeEqual } from 'node:crypto';
import type { TokenSigner } from '../identity/index.js';

export type MediaUrlPurpose = 'play' | 'download' | 'evidence';

/** Long enough to start watching a long call; a player that gets 403 later asks for a new link. */
export const MEDIA_URL_TTL_MS = 15 * 60 * 1000;

/**
 * Short-lived links to recordings and evidence packages, a sibling of BlobUrls. The MAC covers a
 * purpose prefix that BlobUrls never signs (`media.` vs `blob.`), so a chat attachment link cannot
 * open a recording and a play link cannot download; it also covers the agent the link was minted
 * for, which the server takes from the session cookie of the fetch: a leaked link is useless to
 * anyone else.
 */
export class RecordingUrls {
  constructor(
    private readonly signer: TokenSigner,
    private readonly now: () => number,
  ) {}

  private mac(purpose: MediaUrlPurpose, id: string, agentId: string, exp: number): string {
    return this.signer.mac(`media.${purpose}.${id}.${agentId}.${exp}`);
  }

  sign(purpose: MediaUrlPurpose, id: string, agentId: string): { url: string; expiresAt: string } {
    const exp = Math.floor((this.now() + MEDIA_URL_TTL_MS) / 1000);
    const sig = this.mac(purpose, id, agentId, exp);
    const url =
      purpose === 'evidence'
        ? `/api/evidence/${id}/download?exp=${exp}&sig=${sig}`
        : `/api/recordings/${id}/media?mode=${purpose}&exp=${exp}&sig=${sig}`;
    return { url, expiresAt: new Date(exp * 1000).toISOString() };
  }

  verify(purpose: MediaUrlPurpose, id: string, agentId: string, exp: number, sig: string): boolean {
    if (!Number.isSafeInteger(exp) || exp * 1000 < this.now()) return false;
    const expected = Buffer.from(this.mac(purpose, id, agentId, exp));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

import { requestJson } from '@visavis/client';
import type { SignedUrl } from '@visavis/protocol';

/**
 * An HD snapshot's image for the agent: a signed play link (POST /api/recordings/:id/url), then
 * the bytes once, kept as an object URL for this page. Every fetch of recording bytes is audited
 * on the server, so the thumbnail and the full-size view share one fetch instead of one per
 * render. Failures are not cached: the next render tries again.
 */
const cache = new Map<string, Promise<string>>();

async function load(recordingId: string): Promise<string> {
  const { url } = await requestJson<SignedUrl>(
    { baseUrl: '' },
    'POST',
    `/api/recordings/${encodeURIComponent(recordingId)}/url`,
    { mode: 'play' },
  );
  // Same origin only: the link is relative; anything else is not ours to fetch.
  if (!url.startsWith('/api/recordings/')) throw new Error('unexpected media link');
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const blob = await res.blob();
  if (!/^image\/(jpeg|png|webp)$/.test(blob.type)) throw new Error(`not an image: ${blob.type}`);
  return URL.createObjectURL(blob);
}

export function snapshotImageUrl(recordingId: string): Promise<string> {
  let p = cache.get(recordingId);
  if (!p) {
    p = load(recordingId);
    cache.set(recordingId, p);
    p.catch(() => cache.delete(recordingId));
  }
  return p;
}

/**
 * Pure formatting helpers. Kept free of React and the DOM so they can be unit-tested in Node.
 */

/** Badge text for an unread count: nothing for zero, capped so the badge keeps its width. */
export function formatUnread(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '';
  return n > 99 ? '99+' : String(Math.floor(n));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Waiting time as a clock-like string that reads the same in every language:
 * "0:07", "4:05", "1:02:03"; past a day "2d 3h" (day/hour units passed in for translation).
 * Negative input (clock skew between browser and server) counts as zero.
 */
export function formatWait(ms: number, units: { d: string; h: string } = { d: 'd', h: 'h' }): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  if (h >= 24) return `${Math.floor(h / 24)}${units.d} ${h % 24}${units.h}`;
  if (h > 0) return `${h}:${pad2(m)}:${pad2(s)}`;
  return `${m}:${pad2(s)}`;
}

/** Waits this long or more are highlighted; a visitor unanswered for 2 minutes is worth a look. */
export const WAIT_WARN_MS = 2 * 60_000;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Only http(s) and same-origin relative URLs may become links or image sources; anything else
 * (javascript:, data:) from a server bug or a hostile visitor is dropped.
 */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Splits text into plain and http(s) link parts, so the UI can render links without HTML. */
export function splitLinks(text: string): { text: string; href?: string }[] {
  const parts: { text: string; href?: string }[] = [];
  const re = /https?:\/\/[^\s<>"']+/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // Trailing punctuation usually ends the sentence, not the URL.
    const raw = m[0].replace(/[.,;:!?)\]}。，！？）]+$/, '');
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    const href = safeUrl(raw);
    parts.push(href ? { text: raw, href } : { text: raw });
    last = m.index + raw.length;
    re.lastIndex = last;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

export function formatTime(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
}

export function formatDateTime(iso: string | null, locale: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

export function formatDate(iso: string | null, locale: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

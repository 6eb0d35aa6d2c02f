/**
 * Small pure helpers for presenting untrusted data. Nothing here returns HTML: callers put the
 * results into the DOM with textContent or as attribute values of elements they create.
 */

/**
 * Up to two initials for an avatar. Latin words give first + last initial ("Li Na 李娜" -> "LN");
 * a name written only in CJK characters gives its first character (the family name).
 */
export function initials(name: string | null | undefined): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const latin = words.filter((w) => /^[A-Za-z\u00C0-\u024F]/.test(w));
  if (latin.length >= 2) return (latin[0]![0]! + latin[latin.length - 1]![0]!).toUpperCase();
  if (latin.length === 1 && latin[0]!.length > 1 && words.length === 1) return latin[0]!.slice(0, 2).toUpperCase();
  if (latin.length === 1) return latin[0]![0]!.toUpperCase();
  return Array.from(words[0]!)[0]!.toUpperCase();
}

/**
 * A URL safe to put in href/src: only http(s) (absolute, or relative to our own page) and
 * `blob:` object URLs we created ourselves. Anything else (javascript:, data:, ...) is refused.
 */
export function safeUrl(url: string | null | undefined, base: string, allowBlob = false): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, base);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
    if (allowBlob && u.protocol === 'blob:') return u.href;
    return null;
  } catch {
    return null;
  }
}

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

/**
 * Split message text into plain runs and http(s) links, so links can be made clickable with
 * createElement('a') + textContent. Trailing punctuation is left out of the link.
 */
export function linkify(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_PATTERN)) {
    let raw = m[0];
    const trimmed = raw.replace(/[.,;:!?)\]}'"，。！？）]+$/u, '');
    raw = trimmed;
    const start = m.index ?? 0;
    const href = safeUrl(raw, 'http://invalid/');
    if (!href || raw.length === 0) continue;
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) });
    out.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** Clock time of an ISO timestamp in the visitor's language; empty when unparsable. */
export function formatTime(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(d);
  } catch {
    return d.toISOString().slice(11, 16);
  }
}

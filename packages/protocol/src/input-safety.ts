/**
 * Checks every transport applies to client input before any schema sees it. They are shape-free
 * on purpose: a NUL byte or a lone surrogate is invalid in every string field (PostgreSQL text
 * cannot store NUL; a lone surrogate is not Unicode and breaks UTF-8 encoding), and a deeply
 * nested document costs recursion in every walker after the parser. Checking once at the boundary
 * fixes the whole class instead of one field at a time.
 */

/** Deepest JSON nesting (objects and arrays) a client may send; real messages use under 6. */
export const MAX_JSON_DEPTH = 32;

/** Property names that would reach an object's prototype if some code merged the value naively. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string holds a NUL character or a lone UTF-16 surrogate. */
export function isUnsafeText(s: string): boolean {
  return s.includes('\u0000') || LONE_SURROGATE.test(s);
}

/**
 * The deepest bracket nesting in a JSON text, found by a linear scan that skips string contents,
 * so it runs BEFORE JSON.parse and a hostile document never reaches the recursive parser. Stops
 * counting once `limit` is exceeded. Invalid JSON is left for the parser to refuse.
 */
export function jsonDepthExceeds(raw: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

export type InputProblem =
  | { kind: 'text'; path: string }
  | { kind: 'prototype-key'; path: string }
  | { kind: 'depth'; path: string };

/**
 * Walks a parsed value (JSON body, WebSocket frame, query or route params) and answers the first
 * problem: an unsafe string (value or key), a prototype key, or nesting beyond the limit. Null
 * when the value is clean. Iterative, so it cannot itself overflow the stack.
 */
export function findInputProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): InputProblem | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (isUnsafeText(v)) return { kind: 'text', path };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'depth', path };
    for (const key of Object.keys(v)) {
      const at = path ? `${path}.${key}` : key;
      if (isUnsafeText(key)) return { kind: 'text', path: at };
      if (PROTOTYPE_KEYS.has(key)) return { kind: 'prototype-key', path: at };
      stack.push({ v: (v as Record<string, unknown>)[key], path: at, depth: depth + 1 });
    }
  }
  return null;
}

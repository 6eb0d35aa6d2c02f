import fc from 'fast-check';
import { CLIENT_MESSAGE_TYPES, LIMITS } from '@visavis/protocol';

/**
 * A generated corpus of WebSocket frames (fast-check, fixed seed: every run sends the same
 * frames, and a failure names a reproducible case). Each frame starts from a valid command of
 * every client message type, built on ids that exist for the sending principal, and then has a
 * few fields replaced, removed or added with hostile values: wrong types, non-UUID ids, sequence
 * numbers that are negative, fractional, huge or >= 2^31, NUL and lone surrogates, bidi
 * overrides, emoji, deep nesting, big strings, prototype keys. Some frames are broken as a whole:
 * not JSON, not an object, deeply nested, too large, binary, an unknown type.
 */
export type Frame = { binary: false; data: string; label: string } | { binary: true; data: Buffer; label: string };

/** Ids the sending principal may know: its own conversations and calls, anyone's agent ids. */
export interface CorpusIds {
  conversationIds: string[];
  agentIds: string[];
  groupIds: string[];
  callIds: string[];
}

const UUID_NIL = '00000000-0000-0000-0000-000000000000';

/** Pieces of text that have broken servers: control characters, broken UTF-16, bidi, emoji. */
const NASTY_PIECES = [
  '\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\u202E', '\u202D', '\u2066', '\u200B', '\uFEFF',
  '😀', '👩‍👩‍👧', 'é', 'e\u0301', '中文', '\u0007', '\r\n', '\\', '"', "'; drop table messages; --", '%00', '%', '${x}', 'a', ' ',
];

const nastyString = fc.array(fc.constantFrom(...NASTY_PIECES), { minLength: 1, maxLength: 8 }).map((p) => p.join(''));

const nonUuid = fc.oneof(
  fc.constantFrom('', 'x', 'c-1', 'null', '1', UUID_NIL.slice(1), `${UUID_NIL}0`, `{${UUID_NIL}}`, UUID_NIL.toUpperCase().replace(/0/g, 'G')),
  fc.string({ maxLength: 80 }),
  nastyString,
);

const badNumber = fc.oneof(
  fc.constantFrom(-1, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1.5, -0.5, 1e308, -1e308, 0),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Nested arrays/objects deeper than the limit (the JSON depth bound must refuse them). */
const deepValue = fc.integer({ min: 20, max: 400 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { d: v };
  return v;
});

/** An object with own prototype keys, as JSON.parse produces them from `{"__proto__": …}`. */
const protoObject = fc.constantFrom('__proto__', 'constructor', 'prototype').map(
  (key) => JSON.parse(`{"${key}": {"polluted": true, "toString": 1}}`) as unknown,
);

const bigString = fc.integer({ min: 4_001, max: 60_000 }).map((n) => 'x'.repeat(n));

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, [], {}, '', 0),
  nonUuid,
  badNumber,
  nastyString,
  deepValue,
  protoObject,
  bigString,
  fc.jsonValue({ maxDepth: 3 }),
);

/** A valid command of `type` for a principal that knows `ids` (the starting point of a mutation). */
function baseCommand(type: string, n: number, ids: CorpusIds, pick: (xs: string[]) => string): Record<string, unknown> {
  const conversationId = pick(ids.conversationIds);
  const callId = pick(ids.callIds);
  const jsep = { type: 'offer', sdp: 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' };
  switch (type) {
    case 'auth': return { type, token: 'not-a-token' };
    case 'conversation.subscribe': return { type, conversationId, afterSeq: 0 };
    case 'conversation.start': return { type, pageUrl: 'https://bank.example/help', language: 'en' };
    case 'message.send': return { type, conversationId, clientMsgId: `fuzz-${String(n).padStart(6, '0')}`, text: 'hello' };
    case 'typing.set': return { type, conversationId, typing: true };
    case 'receipt.mark': return { type, conversationId, state: 'read', upToSeq: 1 };
    case 'csat.submit': return { type, conversationId, score: 4, comment: '' };
    case 'presence.set': return { type, presence: 'online' };
    case 'offer.accept': case 'offer.decline': return { type, offerId: pick([UUID_NIL]) };
    case 'conversation.transfer': return { type, conversationId, agentId: pick(ids.agentIds), note: '' };
    case 'call.start': return { type, conversationId, media: 'video' };
    case 'call.publish': case 'call.subscribe_answer': return { type, callId, jsep };
    case 'call.trickle': return { type, callId, leg: 'publish', candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    case 'call.configure': return { type, callId, audio: false };
    case 'call.stats': return { type, callId, stats: { lossPct: 1, availableKbps: 900, freezeCount: 0, fps: 30, rttMs: 40 } };
    case 'ping': return { type };
    default:
      // The rest address a conversation (close, unsubscribe) or a call (accept, decline, hangup, subscribe, snapshot).
      return type.startsWith('call.') ? { type, callId } : { type, conversationId };
  }
}

const FIELD_NAMES = [
  'type', 'rid', 'conversationId', 'callId', 'offerId', 'agentId', 'groupId', 'blobId', 'designatedAgentId', 'afterSeq',
  'upToSeq', 'text', 'clientMsgId', 'pageUrl', 'entryPoint', 'language', 'token', 'presence', 'score', 'comment', 'note',
  'typing', 'state', 'media', 'jsep', 'candidate', 'stats', 'leg', 'audio', 'video', '__proto__', 'constructor', 'extra',
];

type Edit = { field: string; op: 'set'; value: unknown } | { field: string; op: 'delete' };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ field: fc.constantFrom(...FIELD_NAMES), op: fc.constant('set' as const), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ field: fc.constantFrom(...FIELD_NAMES), op: fc.constant('delete' as const) }) },
);

/** Whole-frame breakage, applied to a fraction of the frames after the field edits. */
type Wrap = 'json' | 'truncated' | 'array' | 'scalar' | 'deep-text' | 'oversize' | 'binary' | 'unknown-type' | 'proto-text';
const wrap: fc.Arbitrary<Wrap> = fc.oneof(
  { weight: 30, arbitrary: fc.constant('json' as const) },
  { weight: 1, arbitrary: fc.constantFrom<Wrap>('truncated', 'array', 'scalar', 'deep-text', 'oversize', 'binary', 'unknown-type', 'proto-text') },
);

const caseArb = fc.record({
  type: fc.constantFrom(...CLIENT_MESSAGE_TYPES),
  edits: fc.array(edit, { maxLength: 3 }),
  wrap,
  pickIndex: fc.nat(),
});

/** `count` frames for a principal knowing `ids`; `seed` makes the corpus reproducible. */
export function frameCorpus(count: number, ids: CorpusIds, seed: number, firstIndex = 0): Frame[] {
  return fc.sample(caseArb, { numRuns: count, seed }).map((c, i) => {
    const n = firstIndex + i;
    const pick = (xs: string[]) => (xs.length > 0 ? xs[c.pickIndex % xs.length]! : UUID_NIL);
    const msg = baseCommand(c.type, n, ids, pick);
    for (const e of c.edits) {
      // defineProperty: a "__proto__" key must become an own property, as JSON.parse makes it.
      if (e.op === 'set') Object.defineProperty(msg, e.field, { value: e.value, enumerable: true, configurable: true, writable: true });
      else delete msg[e.field];
    }
    const label = `#${n} ${c.type} ${c.edits.map((e) => `${e.op}:${e.field}`).join(',')} ${c.wrap}`;
    const json = JSON.stringify(msg) ?? 'null';
    switch (c.wrap) {
      case 'truncated': return { binary: false, data: json.slice(0, Math.max(1, json.length - 2)), label };
      case 'array': return { binary: false, data: `[${json}]`, label };
      case 'scalar': return { binary: false, data: JSON.stringify(json.length), label };
      case 'deep-text': return { binary: false, data: `${'['.repeat(5000)}${']'.repeat(5000)}`, label };
      case 'oversize': return { binary: false, data: JSON.stringify({ ...msg, pad: 'p'.repeat(LIMITS.wsFrameBytes) }), label };
      case 'binary': return { binary: true, data: Buffer.from(json), label };
      case 'unknown-type': return { binary: false, data: JSON.stringify({ ...msg, type: `${c.type}.x` }), label };
      case 'proto-text': return { binary: false, data: json.replace(/^\{/, '{"__proto__":{"isAdmin":true},'), label };
      default: return { binary: false, data: json, label };
    }
  });
}

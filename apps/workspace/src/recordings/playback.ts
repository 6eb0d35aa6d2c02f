import type { SequencedEvent } from '@visavis/protocol';
import type { CallMark, RecordingView } from './api.js';

/**
 * Pure logic of the recordings screens: grouping a conversation's recordings by call, placing the
 * transcript, the call's events and its script marks on a recording's clock, following playback,
 * and deciding when a signed link must be renewed. No React, no DOM: unit-tested in Node.
 */

/** What the timeline of a conversation says about one call. */
export interface CallFacts {
  callId: string;
  media: 'video' | 'audio' | null;
  ringingAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
}

export function callFacts(events: readonly SequencedEvent[], callId: string): CallFacts {
  const f: CallFacts = { callId, media: null, ringingAt: null, answeredAt: null, endedAt: null };
  for (const ev of events) {
    const e = ev.event;
    if (!('callId' in e) || e.callId !== callId) continue;
    if (e.type === 'call.ringing') {
      f.ringingAt = ev.at;
      f.media = e.media;
    } else if (e.type === 'call.answered') f.answeredAt = ev.at;
    else if (e.type === 'call.ended') f.endedAt = ev.at;
  }
  return f;
}

export interface CallRecordings {
  call: CallFacts;
  recordings: RecordingView[];
}

/** Display order of the kinds within a call: the mixed recording first, stills last. */
const KIND_ORDER: Record<string, number> = { composite: 0, participant: 1, client: 2, snapshot: 3 };

/**
 * The conversation's recordings grouped by call, calls in the order they happened (by their
 * ringing time, else their first recording), recordings by kind, party, then creation.
 */
export function groupByCall(
  recordings: readonly RecordingView[],
  events: readonly SequencedEvent[],
): CallRecordings[] {
  const by = new Map<string, RecordingView[]>();
  for (const r of recordings) by.set(r.callId, [...(by.get(r.callId) ?? []), r]);
  const groups = [...by].map(([callId, list]) => ({
    call: callFacts(events, callId),
    recordings: [...list].sort(
      (a, b) =>
        (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
        (a.party ?? '').localeCompare(b.party ?? '') ||
        a.createdAt.localeCompare(b.createdAt),
    ),
  }));
  const when = (g: CallRecordings) =>
    Date.parse(
      g.call.ringingAt ??
        g.recordings.reduce((m, r) => (r.createdAt < m ? r.createdAt : m), g.recordings[0]!.createdAt),
    );
  return groups.sort((a, b) => when(a) - when(b));
}

/** The dictionary key that names a recording's kind (participant and client name their party). */
export type KindKey =
  | 'rec.kind.composite'
  | 'rec.kind.participantAgent'
  | 'rec.kind.participantVisitor'
  | 'rec.kind.clientAgent'
  | 'rec.kind.clientVisitor'
  | 'rec.kind.snapshot';

export function kindKey(r: Pick<RecordingView, 'kind' | 'party'>): KindKey {
  switch (r.kind) {
    case 'composite':
      return 'rec.kind.composite';
    case 'snapshot':
      return 'rec.kind.snapshot';
    case 'client':
      return r.party === 'visitor' ? 'rec.kind.clientVisitor' : 'rec.kind.clientAgent';
    default:
      return r.party === 'visitor' ? 'rec.kind.participantVisitor' : 'rec.kind.participantAgent';
  }
}

export const isSnapshot = (r: Pick<RecordingView, 'kind' | 'mime'>) =>
  r.kind === 'snapshot' || r.mime.startsWith('image/');

/**
 * Where a recording's clock starts, in epoch ms: its own start, else the call's answer, else the
 * ringing; null when nothing is known (the timeline then cannot be placed).
 */
export function recordingOrigin(r: Pick<RecordingView, 'startedAt'>, call: CallFacts): number | null {
  for (const iso of [r.startedAt, call.answeredAt, call.ringingAt]) {
    const ms = iso ? Date.parse(iso) : Number.NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return null;
}

/** Milliseconds as m:ss — "0:07", "4:05", "75:03" (no hours: recordings are calls); negative with a minus. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) return '--:--';
  const sign = ms < 0 ? '-' : '';
  const total = Math.floor(Math.abs(ms) / 1000);
  return `${sign}${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

export type TimelineItemKind = 'message' | 'call' | 'mark';

/** One line of the synced timeline. `text` is shown as React text, never as HTML. */
export interface TimelineItem {
  key: string;
  kind: TimelineItemKind;
  /** Offset from the recording's start. */
  atMs: number;
  /** before / after the recording: shown dimmed, not seekable. */
  outside: 'before' | 'after' | null;
  /** For messages: who wrote it; for call events: the event type; for marks: 'mark'. */
  who: 'visitor' | 'agent' | 'system' | 'mark';
  /** What the line says: message text (or file name); call events and marks are described by the view. */
  text: string;
  /** The event, for call events (the view words it in the user's language). */
  event?: SequencedEvent['event'];
}

const CALL_EVENT_TYPES = new Set([
  'call.ringing',
  'call.answered',
  'call.ended',
  'call.recording',
  'call.snapshot',
]);

/**
 * The synced timeline of one recording: the conversation's messages, this call's events and its
 * script marks, in time order on the recording's clock. `durationMs` null: nothing counts as after.
 */
export function buildTimeline(opts: {
  events: readonly SequencedEvent[];
  marks: readonly CallMark[];
  callId: string;
  originMs: number;
  durationMs: number | null;
}): TimelineItem[] {
  const { originMs, durationMs } = opts;
  const place = (atMs: number): TimelineItem['outside'] =>
    atMs < 0 ? 'before' : durationMs !== null && atMs > durationMs ? 'after' : null;
  const items: (TimelineItem & { order: number })[] = [];
  for (const ev of opts.events) {
    const e = ev.event;
    const at = Date.parse(ev.at);
    if (!Number.isFinite(at)) continue;
    const atMs = at - originMs;
    if (e.type === 'message') {
      const text = e.text || e.attachment?.name || '';
      items.push({
        key: `e${ev.seq}`,
        kind: 'message',
        atMs,
        outside: place(atMs),
        who: e.author.kind,
        text,
        order: ev.seq,
      });
    } else if (CALL_EVENT_TYPES.has(e.type) && 'callId' in e && e.callId === opts.callId) {
      items.push({
        key: `e${ev.seq}`,
        kind: 'call',
        atMs,
        outside: place(atMs),
        who: 'system',
        text: '',
        event: e,
        order: ev.seq,
      });
    }
  }
  for (const m of opts.marks) {
    items.push({
      key: `m${m.id}`,
      kind: 'mark',
      atMs: m.atMs,
      outside: place(m.atMs),
      who: 'mark',
      text: m.label,
      order: Number.MAX_SAFE_INTEGER,
    });
  }
  // Stable: same instant keeps the conversation's order, marks after the events of that instant.
  return items.sort((a, b) => a.atMs - b.atMs || a.order - b.order).map(({ order: _order, ...item }) => item);
}

/** The item playing at `positionMs`: the last one inside the recording at or before it; -1 if none. */
export function currentIndex(items: readonly TimelineItem[], positionMs: number): number {
  let found = -1;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it.atMs > positionMs) break;
    if (it.outside === null) found = i;
  }
  return found;
}

/** A marker's place on the progress bar, 0–100 %, or null when it falls outside the recording. */
export function markerPercent(atMs: number, durationMs: number | null): number | null {
  if (!durationMs || durationMs <= 0 || atMs < 0 || atMs > durationMs) return null;
  return (atMs / durationMs) * 100;
}

/**
 * The recording's length: the catalog's figure, else what the player found (a WebM written by
 * MediaRecorder often reports Infinity until it is read through), else unknown.
 */
export function effectiveDuration(catalogMs: number | null, playerSeconds: number): number | null {
  if (catalogMs !== null && catalogMs > 0) return catalogMs;
  return Number.isFinite(playerSeconds) && playerSeconds > 0 ? Math.round(playerSeconds * 1000) : null;
}

/** Renew a signed link this long before it expires, so a seek never races the expiry. */
export const URL_RENEW_MARGIN_MS = 30_000;

export function urlNeedsRenewal(expiresAt: string, nowMs: number, marginMs = URL_RENEW_MARGIN_MS): boolean {
  const exp = Date.parse(expiresAt);
  return !Number.isFinite(exp) || nowMs >= exp - marginMs;
}

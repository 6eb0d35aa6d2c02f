/**
 * Pure helpers for the routing screens: countdowns, waits and estimates, load levels, queue
 * counts per group, list inputs. No React, no DOM: unit-tested in Node.
 */

/** Whole seconds until `expiresAt` (rounded up, so "1 s" shows until the very end); never negative. */
export function secondsLeft(expiresAt: string, now: number): number {
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return 0;
  return Math.max(0, Math.ceil((end - now) / 1000));
}

/** Share of the ringing time still left, 1 at the start and 0 at expiry (for the shrinking bar). */
export function fractionLeft(createdAt: string, expiresAt: string, now: number): number {
  const start = Date.parse(createdAt);
  const end = Date.parse(expiresAt);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return 0;
  return Math.min(1, Math.max(0, (end - now) / (end - start)));
}

/** Whole minutes for an estimated wait (at least 1); null when there is no estimate. */
export function etaMinutes(etaSeconds: number | null | undefined): number | null {
  if (etaSeconds == null || !Number.isFinite(etaSeconds) || etaSeconds < 0) return null;
  return Math.max(1, Math.ceil(etaSeconds / 60));
}

/** A waiting time that keeps ticking between two fetches of the queue. */
export function tickingWait(waitingMs: number, fetchedAt: number, now: number): number {
  return Math.max(0, waitingMs + Math.max(0, now - fetchedAt));
}

export type LoadLevel = 'idle' | 'ok' | 'high' | 'full';

/** Load as a percentage of capacity for a bar, clamped to 0..100. */
export function loadPercent(load: number, capacity: number): number {
  if (!(capacity > 0)) return 0;
  return Math.round(Math.min(100, Math.max(0, (load / capacity) * 100)));
}

/** Bar colour: nothing to do, room to spare, nearly full (≥ 75 %), full. */
export function loadLevel(load: number, capacity: number): LoadLevel {
  if (load <= 0) return 'idle';
  if (capacity > 0 && load >= capacity) return 'full';
  return loadPercent(load, capacity) >= 75 ? 'high' : 'ok';
}

export interface GroupCount {
  /** null: conversations not (yet) aimed at a skill group. */
  groupId: string | null;
  waiting: number;
  vip: number;
  ringing: number;
  longestMs: number;
}

/**
 * Waiting conversations per target group, busiest first (ties: longest wait, then the no-group
 * bucket last, then id), for the supervisor's bar chart. Groups with nobody waiting are included
 * when listed in `groupIds`, so an empty group shows an empty bar rather than disappearing.
 */
export function groupCounts(
  queue: readonly { groupId: string | null; vip: boolean; ringing: boolean; waitingMs: number }[],
  groupIds: readonly string[] = [],
): GroupCount[] {
  const by = new Map<string | null, GroupCount>();
  const get = (groupId: string | null) => {
    let c = by.get(groupId);
    if (!c) {
      c = { groupId, waiting: 0, vip: 0, ringing: 0, longestMs: 0 };
      by.set(groupId, c);
    }
    return c;
  };
  for (const g of groupIds) get(g);
  for (const e of queue) {
    const c = get(e.groupId);
    c.waiting++;
    if (e.vip) c.vip++;
    if (e.ringing) c.ringing++;
    c.longestMs = Math.max(c.longestMs, e.waitingMs);
  }
  return [...by.values()].sort(
    (a, b) =>
      b.waiting - a.waiting ||
      b.longestMs - a.longestMs ||
      Number(a.groupId === null) - Number(b.groupId === null) ||
      String(a.groupId).localeCompare(String(b.groupId)),
  );
}

/** "a, b ,, c" → ["a", "b", "c"]: trimmed, empty parts dropped, duplicates kept once, in order. */
export function parseList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,，\n]/)) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** The note of the step that chose (the last line of that step), for one-line summaries. */
export function ownReason(
  reasons: readonly { step: string; note: string }[],
  strategy: string | null,
): string | null {
  if (!strategy) return reasons.at(-1)?.note ?? null;
  for (let i = reasons.length - 1; i >= 0; i--) if (reasons[i]!.step === strategy) return reasons[i]!.note;
  return null;
}

/**
 * The engine's notes name agents by id ("offered to 586b…: highest idle rate") and write times
 * as ISO strings ("last assigned 2025-03-01T10:00:00.000Z"); people read names and local times.
 */
export function nameAgents(
  text: string,
  agents: readonly { id: string; name: string }[],
  formatIso: (iso: string) => string = (iso) => iso,
): string {
  let out = text;
  for (const a of agents) if (a.id && out.includes(a.id)) out = out.split(a.id).join(a.name);
  return out.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, (iso) => formatIso(iso) || iso);
}

/**
 * The one line that says why a conversation waits: the closed hours, a step waiting for a named
 * agent, or else the count of who could take it (the first, "eligibility" line).
 */
export function waitingReason(
  reasons: readonly { step: string; note: string }[],
): { step: string; note: string } | null {
  const last = reasons.at(-1);
  if (!last) return null;
  if (last.step !== 'eligibility') return last;
  return reasons[0] ?? last;
}

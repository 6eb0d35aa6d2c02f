import type { ConversationSummary, SequencedEvent } from '@visavis/protocol';
import { previewOf } from './timeline.js';

/**
 * Pure rules for the conversation list. Summaries come from three places: the HTTP snapshot,
 * `inbox.updated` pushes, and `conversation.event` pushes. Sequence numbers decide which is
 * newer, so the same event seen twice (push + replay) never counts twice.
 */
export type Summaries = Readonly<Record<string, ConversationSummary>>;

/** Replace the list of one scope by a fresh snapshot, keeping the other scope's entries. */
export function replaceScope(
  current: Summaries,
  snapshot: readonly ConversationSummary[],
  scope: 'live' | 'closed',
): Summaries {
  const next: Record<string, ConversationSummary> = {};
  for (const s of Object.values(current)) {
    const inScope = scope === 'live' ? s.status !== 'closed' : s.status === 'closed';
    if (!inScope) next[s.id] = s;
  }
  for (const s of snapshot) next[s.id] = mergeSummary(current[s.id], s);
  return next;
}

/**
 * The newer of two views of one conversation. A push may overtake the snapshot it races with,
 * so the preview stays with whichever has seen the higher seq; status and assignment always
 * come from the incoming summary because only the server changes them.
 */
export function mergeSummary(
  prev: ConversationSummary | undefined,
  next: ConversationSummary,
): ConversationSummary {
  if (!prev || next.lastSeq >= prev.lastSeq) return next;
  return {
    ...next,
    lastSeq: prev.lastSeq,
    lastMessageText: prev.lastMessageText,
    lastMessageAt: prev.lastMessageAt,
    unread: prev.unread,
  };
}

/**
 * Fold one sequenced event into a summary. Events at or below the summary's lastSeq are already
 * reflected in it and are ignored. `viewing` = the agent has this conversation open, in which
 * case visitor messages are read as they arrive.
 */
export function applyEventToSummary(
  s: ConversationSummary,
  ev: SequencedEvent,
  viewing: boolean,
): ConversationSummary {
  if (ev.seq <= s.lastSeq) return s;
  const e = ev.event;
  const next: ConversationSummary = { ...s, lastSeq: ev.seq };
  switch (e.type) {
    case 'message':
      next.lastMessageText = previewOf(e);
      next.lastMessageAt = ev.at;
      if (e.author.kind === 'visitor' && !viewing) next.unread = s.unread + 1;
      break;
    case 'receipt':
      // Any agent reading up to the newest seq clears the badge; partial reads are rare enough
      // that the next snapshot (or the timeline, when subscribed) corrects the count.
      if (e.by === 'agent' && e.state === 'read' && e.upToSeq >= s.lastSeq) next.unread = 0;
      break;
    case 'conversation.assigned':
      next.status = 'assigned';
      next.agentId = e.agent.id;
      next.agentName = e.agent.name;
      next.assignedAt = ev.at;
      break;
    case 'conversation.queued':
      next.status = 'queued';
      break;
    case 'conversation.closed':
      next.status = 'closed';
      next.closedAt = ev.at;
      break;
    case 'csat.submitted':
      next.csatScore = e.score;
      break;
    default:
      break;
  }
  return next;
}

/** True when `next` is a conversation that has just become this agent's. */
export function isNewAssignment(
  prev: ConversationSummary | undefined,
  next: ConversationSummary,
  meId: string,
): boolean {
  if (next.status !== 'assigned' || next.agentId !== meId) return false;
  return !prev || prev.status !== 'assigned' || prev.agentId !== meId;
}

function activityTime(s: ConversationSummary): number {
  return Date.parse(s.lastMessageAt ?? s.assignedAt ?? s.createdAt) || 0;
}

/** Live tab: most recent activity first. Closed tab: most recently closed first. */
export function sortedScope(all: Summaries, scope: 'live' | 'closed'): ConversationSummary[] {
  const list = Object.values(all).filter((s) =>
    scope === 'live' ? s.status !== 'closed' : s.status === 'closed',
  );
  if (scope === 'live')
    return list.sort((a, b) => activityTime(b) - activityTime(a) || a.id.localeCompare(b.id));
  return list.sort(
    (a, b) =>
      (Date.parse(b.closedAt ?? '') || 0) - (Date.parse(a.closedAt ?? '') || 0) || a.id.localeCompare(b.id),
  );
}

/** The number shown as "(n) Visavis": live conversations with something new for the agent. */
export function attentionCount(
  live: readonly ConversationSummary[],
  unreadOf: (s: ConversationSummary) => number,
  fresh: ReadonlySet<string>,
): number {
  return live.filter((s) => unreadOf(s) > 0 || fresh.has(s.id)).length;
}

export function titleFor(count: number, product = 'Visavis'): string {
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${product}` : product;
}

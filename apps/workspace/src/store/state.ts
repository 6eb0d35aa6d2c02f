import type { ConnectionStatus } from '@visavis/client';
import type { AgentProfile, ConversationSummary } from '@visavis/protocol';
import type { ConversationDetails } from '../api.js';
import type { Summaries } from '../lib/inbox.js';
import { unreadCount, type Timeline } from '../lib/timeline.js';

/** Everything the workspace renders, as one immutable snapshot (for useSyncExternalStore). */
export type LoadState = 'idle' | 'loading' | 'ok' | 'error';

export interface DetailsState {
  status: 'loading' | 'ok' | 'error';
  data?: ConversationDetails;
  error?: string;
}

export interface WorkspaceState {
  me: AgentProfile;
  org: { id: string; name: string };
  conn: ConnectionStatus;
  summaries: Summaries;
  load: { live: LoadState; closed: LoadState };
  /** Conversations we subscribed to, with everything received since seq 0. */
  timelines: Readonly<Record<string, Timeline>>;
  /** The conversations whose visitor is typing now (the SDK's indicator, which expires by itself). */
  typing: Readonly<Record<string, true>>;
  selectedId: string | null;
  /** New assignments the agent has not opened yet (bold + "New" pill, title badge). */
  fresh: readonly string[];
  details: Readonly<Record<string, DetailsState>>;
}

/**
 * Unread count shown for a conversation. With a full timeline we count exactly as the server
 * does (visitor messages after the agents' read receipt); otherwise the summary's count.
 */
export function unreadOf(state: WorkspaceState, s: ConversationSummary): number {
  const tl = state.timelines[s.id];
  return tl && tl.events.length > 0 ? unreadCount(tl) : s.unread;
}

/** The summary to show for a conversation that may only be known from the visitor panel. */
export function summaryOf(state: WorkspaceState, id: string): ConversationSummary | null {
  return state.summaries[id] ?? state.details[id]?.data?.conversation ?? null;
}

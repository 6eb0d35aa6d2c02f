import type {
  CallMedia,
  CallProfile,
  ConversationSummary,
  NetworkQuality,
  SequencedEvent,
} from '@visavis/protocol';
import type { Timeline } from '../lib/timeline.js';

// Shared with the other app through the SDK.
import { formatDuration } from '@visavis/client';
export { formatDuration, qualityBars } from '@visavis/client';

/**
 * The agent's side of calls as pure functions (unit-tested): which call rings or runs in a
 * conversation (from its timeline's call events), whether a call may be started, the local
 * call state reducer, and how call events read in the timeline.
 */
export type Party = 'visitor' | 'agent';

export interface LiveCall {
  conversationId: string;
  callId: string;
  media: CallMedia;
  profile: CallProfile;
  startedBy: Party;
  status: 'ringing' | 'active';
  ringingAt: string;
  answeredAt: string | null;
}

/** The call ringing or live in a conversation now, from its events (null = none). */
export function liveCallOf(conversationId: string, events: readonly SequencedEvent[]): LiveCall | null {
  let live: LiveCall | null = null;
  for (const ev of events) {
    const e = ev.event;
    if (e.type === 'call.ringing') {
      live = {
        conversationId,
        callId: e.callId,
        media: e.media,
        profile: e.profile,
        startedBy: e.by,
        status: 'ringing',
        ringingAt: ev.at,
        answeredAt: null,
      };
    } else if (e.type === 'call.answered' && live !== null && live.callId === e.callId) {
      const answered: LiveCall = { ...live, status: 'active', answeredAt: ev.at };
      live = answered;
    } else if ((e.type === 'call.ended' && live?.callId === e.callId) || e.type === 'conversation.closed') {
      live = null;
    }
  }
  return live;
}

const cache = new WeakMap<readonly SequencedEvent[], LiveCall | null>();

/** liveCallOf, remembered per events array (timelines are immutable: a change is a new array). */
export function liveCall(conversationId: string, tl: Timeline | undefined): LiveCall | null {
  if (!tl) return null;
  if (!cache.has(tl.events)) cache.set(tl.events, liveCallOf(conversationId, tl.events));
  return cache.get(tl.events) ?? null;
}

/** Every call ringing or live in the conversations this agent follows. */
export function liveCalls(timelines: Readonly<Record<string, Timeline>>): LiveCall[] {
  const out: LiveCall[] = [];
  for (const [id, tl] of Object.entries(timelines)) {
    const c = liveCall(id, tl);
    if (c) out.push(c);
  }
  return out.sort((a, b) => a.ringingAt.localeCompare(b.ringingAt));
}

/** Visitors calling this agent: ringing calls they started, in conversations assigned to me. */
export function incomingCalls(
  calls: readonly LiveCall[],
  summaries: Readonly<Record<string, ConversationSummary>>,
  meId: string,
): LiveCall[] {
  return calls.filter(
    (c) =>
      c.status === 'ringing' && c.startedBy === 'visitor' && summaries[c.conversationId]?.agentId === meId,
  );
}

/**
 * Why the Video / Voice buttons are disabled for a conversation (null = a call can start):
 * it is not assigned to me, or a call rings or runs (here, or one I am in elsewhere).
 */
export function callBlock(
  s: ConversationSummary | null,
  meId: string,
  here: LiveCall | null,
  inCallElsewhere: boolean,
): 'notMine' | 'live' | 'busy' | null {
  if (!s || s.status !== 'assigned' || s.agentId !== meId) return 'notMine';
  if (here) return 'live';
  if (inCallElsewhere) return 'busy';
  return null;
}

// ---------------------------------------------------------------- local state of the live call

export type MediaPhase = 'joining' | 'connected' | 'reconnecting';

export interface CallUi {
  phase: MediaPhase;
  muted: boolean;
  cameraOff: boolean;
  quality: NetworkQuality | null;
  peer: { audio: boolean; video: boolean };
}

export const initialCallUi: CallUi = {
  phase: 'joining',
  muted: false,
  cameraOff: false,
  quality: null,
  peer: { audio: true, video: true },
};

export type CallAction =
  | { type: 'phase'; phase: MediaPhase }
  | { type: 'quality'; quality: NetworkQuality }
  | { type: 'peer'; audio: boolean; video: boolean }
  | { type: 'muted'; muted: boolean }
  | { type: 'cameraOff'; cameraOff: boolean }
  | { type: 'reset' };

export function callReducer(ui: CallUi, a: CallAction): CallUi {
  switch (a.type) {
    case 'phase':
      return ui.phase === a.phase ? ui : { ...ui, phase: a.phase };
    case 'quality':
      return ui.quality === a.quality ? ui : { ...ui, quality: a.quality };
    case 'peer':
      return ui.peer.audio === a.audio && ui.peer.video === a.video
        ? ui
        : { ...ui, peer: { audio: a.audio, video: a.video } };
    case 'muted':
      return { ...ui, muted: a.muted };
    case 'cameraOff':
      return { ...ui, cameraOff: a.cameraOff };
    case 'reset':
      return initialCallUi;
  }
}

// ---------------------------------------------------------------- timeline lines

/** Media of every call in a timeline, by call id (call.answered / call.ended do not repeat it). */
export function callMediaById(
  events: readonly SequencedEvent[],
): Record<string, { media: CallMedia; startedBy: Party }> {
  const out: Record<string, { media: CallMedia; startedBy: Party }> = {};
  for (const ev of events)
    if (ev.event.type === 'call.ringing')
      out[ev.event.callId] = { media: ev.event.media, startedBy: ev.event.by };
  return out;
}

export type CallLineKey =
  | 'sys.callStartedVisitor'
  | 'sys.callStartedAgent'
  | 'sys.callAnsweredVisitor'
  | 'sys.callAnsweredAgent'
  | 'sys.callEndedVideo'
  | 'sys.callEndedAudio'
  | 'sys.callMissedFromVisitor'
  | 'sys.callUnansweredByVisitor'
  | 'sys.callDeclinedByVisitor'
  | 'sys.callDeclinedByAgent'
  | 'sys.callCancelledByVisitor'
  | 'sys.callCancelledByAgent';

export type CallReasonKey =
  | 'callReason.hangupVisitor'
  | 'callReason.hangupAgent'
  | 'callReason.peer_lost'
  | 'callReason.media_failed'
  | 'callReason.conversation_closed'
  | 'callReason.server_restart';

/** How a call.ended event reads for agents: the line, its values, and why it ended when that is news. */
export function callEndedLine(
  e: { reason: string; by: Party | 'system'; durationMs: number | null },
  call: { media: CallMedia; startedBy: Party } | undefined,
): { key: CallLineKey; duration?: string; reason?: CallReasonKey } {
  const startedBy = call?.startedBy ?? 'visitor';
  if (e.durationMs !== null) {
    const reason: CallReasonKey | undefined =
      e.reason === 'hangup'
        ? e.by === 'visitor'
          ? 'callReason.hangupVisitor'
          : 'callReason.hangupAgent'
        : e.reason === 'peer_lost' ||
            e.reason === 'media_failed' ||
            e.reason === 'conversation_closed' ||
            e.reason === 'server_restart'
          ? (`callReason.${e.reason}` as CallReasonKey)
          : undefined;
    return {
      key: call?.media === 'audio' ? 'sys.callEndedAudio' : 'sys.callEndedVideo',
      duration: formatDuration(e.durationMs),
      ...(reason ? { reason } : {}),
    };
  }
  if (e.reason === 'declined')
    return { key: e.by === 'visitor' ? 'sys.callDeclinedByVisitor' : 'sys.callDeclinedByAgent' };
  if (e.reason === 'cancelled')
    return { key: startedBy === 'visitor' ? 'sys.callCancelledByVisitor' : 'sys.callCancelledByAgent' };
  // Not answered in time (or ended by the system before anyone answered).
  return { key: startedBy === 'visitor' ? 'sys.callMissedFromVisitor' : 'sys.callUnansweredByVisitor' };
}

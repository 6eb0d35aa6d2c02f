import type { CallMark, CallMedia, ConversationSummary, RecordingState, SequencedEvent } from '@visavis/protocol';
import type { Timeline } from '../lib/timeline.js';

// Shared with the other app through the SDK: the live call folded from the timeline, the media
// state reducer, what a call.ended says happened, duration and quality bars, recording status.
import {
  callBlock as sdkCallBlock,
  callMediaReducer,
  callOutcome,
  foldCallEvents,
  formatDuration,
  initialCallMediaUi,
  mayAnswer,
  type CallMediaAction,
  type CallMediaUi,
  type CallParty,
  type LiveCall as SdkLiveCall,
} from '@visavis/client';
export { formatDuration, qualityBars, recordingPush, recordingStatus, type MediaPhase, type RecordingPush, type RecordingStatus } from '@visavis/client';

/**
 * The agent's side of calls as pure functions (unit-tested): which call rings or runs in each
 * conversation (the SDK's fold of its timeline's call events, tagged with the conversation, since
 * the agent follows many), whether a call may be started, the local call state reducer, and how
 * call events read in the timeline.
 */
export type Party = CallParty;

/** The SDK's live call (with its recording; see recordingStatus), in which conversation it is. */
export interface LiveCall extends SdkLiveCall {
  conversationId: string;
}

/** The call ringing or live in a conversation now, from its events (null = none). */
export function liveCallOf(conversationId: string, events: readonly SequencedEvent[]): LiveCall | null {
  const live = foldCallEvents(events);
  return live && { conversationId, ...live };
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
  return calls.filter((c) => mayAnswer(c, 'agent') && summaries[c.conversationId]?.agentId === meId);
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
  // The SDK's rule; the connection is the top bar's business here, so not asked.
  const block = sdkCallBlock({ mayCall: s?.status === 'assigned' && s.agentId === meId, live: here, inCallElsewhere });
  return block === 'offline' ? null : block;
}

// ---------------------------------------------------------------- local state of the live call

/** This browser's media state of the live call: the SDK's, as is. */
export type CallUi = CallMediaUi;

export const initialCallUi: CallUi = initialCallMediaUi;

export type CallAction = CallMediaAction | { type: 'reset' };

export function callReducer(ui: CallUi, a: CallAction): CallUi {
  return a.type === 'reset' ? initialCallUi : callMediaReducer(ui, a);
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
  | 'sys.callCancelledByAgent'
  | 'sys.callRecordingFailed';

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
  const outcome = callOutcome(e);
  switch (outcome.kind) {
    case 'recordingFailed':
      return { key: 'sys.callRecordingFailed' };
    case 'answered': {
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
        duration: formatDuration(outcome.durationMs),
        ...(reason ? { reason } : {}),
      };
    }
    case 'declined':
      return { key: outcome.by === 'visitor' ? 'sys.callDeclinedByVisitor' : 'sys.callDeclinedByAgent' };
    case 'cancelled':
      return { key: startedBy === 'visitor' ? 'sys.callCancelledByVisitor' : 'sys.callCancelledByAgent' };
    case 'unanswered':
      return { key: startedBy === 'visitor' ? 'sys.callMissedFromVisitor' : 'sys.callUnansweredByVisitor' };
  }
}

// ---------------------------------------------------------------- recorded calls

/** The timeline line of a `call.recording` event (none for 'starting' / 'off'). */
export function recordingLineKey(state: RecordingState): 'sys.recordingRunning' | 'sys.recordingFailed' | null {
  return state === 'running' ? 'sys.recordingRunning' : state === 'failed' ? 'sys.recordingFailed' : null;
}

// ---------------------------------------------------------------- script marks

export type { CallMark } from '@visavis/protocol';

/** The mark label of script step `index` (0-based): "2. Read the risk disclosure", at most 200 characters. */
export function stepLabel(index: number, text: string): string {
  const label = `${index + 1}. ${text.trim()}`;
  return label.length <= 200 ? label : `${label.slice(0, 199)}…`;
}

/** A mark's time in the recording, as mm:ss (h:mm:ss past an hour). */
export function markTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export interface ScriptProgress {
  /** One entry per script step: its mark once done (the first one with the step's label). */
  steps: { text: string; label: string; mark: CallMark | null }[];
  done: number;
  total: number;
  /** The first step not done yet (-1 when all are). */
  current: number;
  /** Marks that are not script steps (free notes), in time order. */
  notes: CallMark[];
}

/** Which script steps the call's marks check off, and the free notes besides. */
export function scriptProgress(script: readonly string[], marks: readonly CallMark[]): ScriptProgress {
  const byLabel = new Map<string, CallMark>();
  const sorted = [...marks].sort((a, b) => a.atMs - b.atMs || a.createdAt.localeCompare(b.createdAt));
  for (const m of sorted) if (!byLabel.has(m.label)) byLabel.set(m.label, m);
  const steps = script.map((text, i) => {
    const label = stepLabel(i, text);
    return { text, label, mark: byLabel.get(label) ?? null };
  });
  const stepLabels = new Set(steps.map((s) => s.label));
  const done = steps.filter((s) => s.mark !== null).length;
  return {
    steps,
    done,
    total: steps.length,
    current: steps.findIndex((s) => s.mark === null),
    notes: sorted.filter((m) => !stepLabels.has(m.label)),
  };
}

import type { CallMedia } from '@visavis/protocol';

// Shared with the other app through the SDK: the live call folded from the timeline, the media
// state reducer, what a call.ended says happened, duration and quality bars, recording status.
import {
  callMediaReducer, callOutcome, formatDuration, initialCallMediaUi,
  type CallMediaAction, type CallMediaUi, type CallParty, type LiveCall,
} from '@visavis/client';
export { applyCallEvent, formatDuration, qualityBars, recordingPush, recordingStatus, type LiveCall, type MediaPhase, type RecordingPush, type RecordingStatus } from '@visavis/client';

/**
 * The visitor's side of a call, as pure data and functions (no DOM, no media), so it is
 * unit-tested in node. Two halves:
 * - `LiveCall` (the SDK's `applyCallEvent`): what the server's timeline says;
 * - `CallUi`: what only this browser knows (joined media, mute, camera, minimised, quality…),
 *   changed by `callReducer` (its media part is the SDK's `callMediaReducer`).
 * `screenOf` combines them into the one screen the view shows.
 */
export type Party = CallParty;

export interface CallUi extends CallMediaUi {
  /** The call whose media this browser has joined (CallSession running), or null. */
  joined: string | null;
  minimised: boolean;
  settingsOpen: boolean;
  /** A command is on its way (start, accept, decline, hang up): buttons are disabled meanwhile. */
  busy: boolean;
  /** A call of this media waits for the visitor to accept the recording notice (dual recording). */
  notice: CallMedia | null;
}

export const initialCallUi: CallUi = {
  ...initialCallMediaUi,
  joined: null,
  minimised: false,
  settingsOpen: false,
  busy: false,
  notice: null,
};

export type CallAction =
  | CallMediaAction
  | { type: 'joined'; callId: string }
  | { type: 'minimise'; minimised: boolean }
  | { type: 'settings'; open: boolean }
  | { type: 'busy'; busy: boolean }
  /** call.start was refused until the recording notice is accepted (null: accepted or cancelled). */
  | { type: 'notice'; media: CallMedia | null }
  /** The call ended (or the conversation changed): everything local starts over. */
  | { type: 'left' };

export function callReducer(ui: CallUi, a: CallAction): CallUi {
  switch (a.type) {
    case 'joined':
      return { ...initialCallUi, joined: a.callId };
    case 'phase':
    case 'quality':
    case 'peer':
    case 'muted':
    case 'cameraOff':
      return callMediaReducer(ui, a);
    case 'minimise':
      return { ...ui, minimised: a.minimised, settingsOpen: a.minimised ? false : ui.settingsOpen };
    case 'settings':
      return { ...ui, settingsOpen: a.open };
    case 'busy':
      return ui.busy === a.busy ? ui : { ...ui, busy: a.busy };
    case 'notice':
      return ui.notice === a.media ? ui : { ...ui, notice: a.media };
    case 'left':
      return initialCallUi;
  }
}

/**
 * What the visitor sees of the call:
 * - none: no call (the header offers Video / Voice when an agent is there);
 * - incoming: the agent is calling (banner with Accept / Decline);
 * - outgoing: we are calling (Calling… with Cancel);
 * - in-call: the full call screen; mini: the same call shrunk to a tile over the chat;
 * - elsewhere: the call is live but this page holds no media for it (reloaded mid-call): a bar
 *   that can only end it.
 */
export type CallScreen = 'none' | 'incoming' | 'outgoing' | 'in-call' | 'mini' | 'elsewhere';

export function screenOf(live: LiveCall | null, ui: CallUi, me: Party): CallScreen {
  if (!live) return 'none';
  if (live.status === 'ringing') return live.startedBy === me ? 'outgoing' : 'incoming';
  if (ui.joined !== live.callId) return 'elsewhere';
  return ui.minimised ? 'mini' : 'in-call';
}

/** A call as one line of the visitor's timeline; it changes in place as the call goes on. */
export interface CallNoticeData {
  callId: string;
  media: CallMedia;
  startedBy: Party;
  status: 'ringing' | 'active' | 'ended';
  /** Once ended: why, by whom, and how long it lasted (null when it was never answered). */
  reason?: string;
  by?: Party | 'system';
  durationMs?: number | null;
  /** The server-side recording's last news (`call.recording` events): the line says "recorded" or "recording failed". */
  recording?: 'running' | 'failed';
}

export type CallNoticeKey =
  | 'callRingingOut'
  | 'callRingingIn'
  | 'callActiveVideo'
  | 'callActiveVoice'
  | 'callEndedVideo'
  | 'callEndedVoice'
  | 'callMissed'
  | 'callNoAnswer'
  | 'callDeclinedByAgent'
  | 'callDeclinedByYou'
  | 'callCancelled'
  | 'callRecordingFailed';

/** The dictionary key (and its values) a call notice reads as, from the visitor's point of view. */
export function callNoticeText(n: CallNoticeData): {
  key: CallNoticeKey;
  params?: { duration: string };
  /** Added after the line: whether the call was recorded. */
  recording?: 'recLineRecorded' | 'recLineFailed';
} {
  const line = callLine(n);
  if (n.status === 'ringing' || n.reason === 'recording_failed' || !n.recording) return line;
  return { ...line, recording: n.recording === 'running' ? 'recLineRecorded' : 'recLineFailed' };
}

function callLine(n: CallNoticeData): { key: CallNoticeKey; params?: { duration: string } } {
  const video = n.media === 'video';
  if (n.status === 'ringing') return { key: n.startedBy === 'visitor' ? 'callRingingOut' : 'callRingingIn' };
  if (n.status === 'active') return { key: video ? 'callActiveVideo' : 'callActiveVoice' };
  const outcome = callOutcome(n);
  switch (outcome.kind) {
    case 'recordingFailed':
      return { key: 'callRecordingFailed' };
    case 'answered':
      return { key: video ? 'callEndedVideo' : 'callEndedVoice', params: { duration: formatDuration(outcome.durationMs) } };
    case 'declined':
      return { key: outcome.by === 'visitor' ? 'callDeclinedByYou' : 'callDeclinedByAgent' };
    default:
      // Never answered: the agent's call is a missed call for the visitor; the visitor's own call
      // was either cancelled by them or not answered.
      if (n.startedBy === 'agent') return { key: 'callMissed' };
      return { key: outcome.kind === 'cancelled' ? 'callCancelled' : 'callNoAnswer' };
  }
}

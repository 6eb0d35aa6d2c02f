import type { CallMedia, CallProfile, NetworkQuality, SequencedEvent } from '@visavis/protocol';

// Shared with the other app through the SDK.
import { formatDuration, recordingOnAnswered, recordingOnRinging, type CallRecordingFields, type RecordingPush } from '@visavis/client';
export { formatDuration, qualityBars, recordingPush, recordingStatus, type RecordingPush, type RecordingStatus } from '@visavis/client';

/**
 * The visitor's side of a call, as pure data and functions (no DOM, no media), so it is
 * unit-tested in node. Two halves:
 * - `LiveCall`: what the server's timeline says (call.ringing / call.answered / call.ended are
 *   sequenced events, so a reconnecting or reloading visitor learns the state from the replay);
 * - `CallUi`: what only this browser knows (joined media, mute, camera, minimised, quality…),
 *   changed by `callReducer`.
 * `screenOf` combines them into the one screen the view shows.
 */
export type Party = 'visitor' | 'agent';

/** With its recording (its call.ringing says how the call is recorded before anyone answers; see recordingStatus). */
export interface LiveCall extends CallRecordingFields {
  callId: string;
  media: CallMedia;
  profile: CallProfile;
  startedBy: Party;
  status: 'ringing' | 'active';
  ringingAt: string;
  answeredAt: string | null;
}

/** Folds one timeline event into the conversation's live call (null = no call now). */
export function applyCallEvent(live: LiveCall | null, ev: SequencedEvent): LiveCall | null {
  const e = ev.event;
  switch (e.type) {
    case 'call.ringing':
      return {
        callId: e.callId, media: e.media, profile: e.profile, startedBy: e.by, status: 'ringing', ringingAt: ev.at, answeredAt: null,
        ...recordingOnRinging(e.recording),
      };
    case 'call.answered':
      return live && live.callId === e.callId
        ? { ...live, status: 'active', answeredAt: ev.at, recordingState: recordingOnAnswered(live) }
        : live;
    case 'call.recording':
      return live && live.callId === e.callId ? { ...live, recordingState: e.state, recordingSeq: ev.seq } : live;
    case 'call.ended':
      return live && live.callId === e.callId ? null : live;
    case 'conversation.closed':
      // The server ends the call with the conversation; its call.ended follows, but be safe.
      return null;
    default:
      return live;
  }
}

export type MediaPhase = 'joining' | 'connected' | 'reconnecting';

export interface CallUi {
  /** The call whose media this browser has joined (CallSession running), or null. */
  joined: string | null;
  phase: MediaPhase;
  muted: boolean;
  cameraOff: boolean;
  minimised: boolean;
  settingsOpen: boolean;
  /** How we receive the other side (from the server's layer choice); null until the first report. */
  quality: NetworkQuality | null;
  /** The other side's microphone and camera. */
  peer: { audio: boolean; video: boolean };
  /** A command is on its way (start, accept, decline, hang up): buttons are disabled meanwhile. */
  busy: boolean;
  /** The server's last `call.recording` push (see recordingStatus). */
  recording: RecordingPush | null;
  /** A call of this media waits for the visitor to accept the recording notice (dual recording). */
  notice: CallMedia | null;
}

export const initialCallUi: CallUi = {
  joined: null,
  phase: 'joining',
  muted: false,
  cameraOff: false,
  minimised: false,
  settingsOpen: false,
  quality: null,
  peer: { audio: true, video: true },
  busy: false,
  recording: null,
  notice: null,
};

export type CallAction =
  | { type: 'joined'; callId: string }
  | { type: 'phase'; phase: MediaPhase }
  | { type: 'quality'; quality: NetworkQuality }
  | { type: 'peer'; audio: boolean; video: boolean }
  | { type: 'muted'; muted: boolean }
  | { type: 'cameraOff'; cameraOff: boolean }
  | { type: 'minimise'; minimised: boolean }
  | { type: 'settings'; open: boolean }
  | { type: 'busy'; busy: boolean }
  | { type: 'recording'; push: RecordingPush }
  /** call.start was refused until the recording notice is accepted (null: accepted or cancelled). */
  | { type: 'notice'; media: CallMedia | null }
  /** The call ended (or the conversation changed): everything local starts over. */
  | { type: 'left' };

export function callReducer(ui: CallUi, a: CallAction): CallUi {
  switch (a.type) {
    case 'joined':
      return { ...initialCallUi, joined: a.callId, recording: ui.recording?.callId === a.callId ? ui.recording : null };
    case 'phase':
      return ui.phase === a.phase ? ui : { ...ui, phase: a.phase };
    case 'quality':
      return ui.quality === a.quality ? ui : { ...ui, quality: a.quality };
    case 'peer':
      return { ...ui, peer: { audio: a.audio, video: a.video } };
    case 'muted':
      return { ...ui, muted: a.muted };
    case 'cameraOff':
      return { ...ui, cameraOff: a.cameraOff };
    case 'minimise':
      return { ...ui, minimised: a.minimised, settingsOpen: a.minimised ? false : ui.settingsOpen };
    case 'settings':
      return { ...ui, settingsOpen: a.open };
    case 'busy':
      return ui.busy === a.busy ? ui : { ...ui, busy: a.busy };
    case 'recording':
      return { ...ui, recording: a.push };
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
  // Answered or not, a call that had to be recorded and could not be never connected.
  if (n.reason === 'recording_failed') return { key: 'callRecordingFailed' };
  if (n.durationMs !== null && n.durationMs !== undefined) {
    return { key: video ? 'callEndedVideo' : 'callEndedVoice', params: { duration: formatDuration(n.durationMs) } };
  }
  if (n.reason === 'declined') return { key: n.by === 'visitor' ? 'callDeclinedByYou' : 'callDeclinedByAgent' };
  // Never answered: the agent's call is a missed call for the visitor; the visitor's own call was
  // either cancelled by them or not answered.
  if (n.startedBy === 'agent') return { key: 'callMissed' };
  return { key: n.reason === 'cancelled' ? 'callCancelled' : 'callNoAnswer' };
}

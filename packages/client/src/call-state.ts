import type { CallMedia, CallProfile, NetworkQuality, SequencedEvent } from '@visavis/protocol';
import { recordingOnAnswered, recordingOnRinging, type CallRecordingFields } from './recording-status.js';

/**
 * A conversation's call as both UIs hold it, pure and framework-free:
 * - the live call folded from the timeline's `call.*` events (call.ringing / call.answered /
 *   call.recording / call.ended are sequenced, so a reconnecting or reloading page learns the
 *   state from the replay);
 * - the media state only this browser knows (phase, mute, camera, quality, the other side's
 *   microphone and camera), with a reducer that returns the same object when nothing changes;
 * - what a `call.ended` says happened (answered, declined, cancelled, unanswered, recording
 *   failed).
 * Which screen shows, who may call, and the words stay in each UI.
 */
export type CallParty = 'visitor' | 'agent';

/** The call ringing or live in a conversation, with its recording (see recordingStatus). */
export interface LiveCall extends CallRecordingFields {
  callId: string;
  media: CallMedia;
  profile: CallProfile;
  startedBy: CallParty;
  status: 'ringing' | 'active';
  ringingAt: string;
  answeredAt: string | null;
}

/** Folds one timeline event into the conversation's live call (null = no call now); other events return `live` itself. */
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

/** The live call after these events (a later call wins; null = none). */
export function foldCallEvents(events: readonly SequencedEvent[]): LiveCall | null {
  return events.reduce<LiveCall | null>(applyCallEvent, null);
}

// ---------------------------------------------------------------- this browser's media

export type MediaPhase = 'joining' | 'connected' | 'reconnecting';

/** What only this browser knows of the call's media; each UI adds its own fields. */
export interface CallMediaUi {
  phase: MediaPhase;
  muted: boolean;
  cameraOff: boolean;
  /** How we receive the other side (from the server's layer choice); null until the first report. */
  quality: NetworkQuality | null;
  /** The other side's microphone and camera. */
  peer: { audio: boolean; video: boolean };
}

export const initialCallMediaUi: CallMediaUi = {
  phase: 'joining',
  muted: false,
  cameraOff: false,
  quality: null,
  peer: { audio: true, video: true },
};

export type CallMediaAction =
  | { type: 'phase'; phase: MediaPhase }
  | { type: 'quality'; quality: NetworkQuality }
  | { type: 'peer'; audio: boolean; video: boolean }
  | { type: 'muted'; muted: boolean }
  | { type: 'cameraOff'; cameraOff: boolean };

/** The media part of a UI's call state; a repeated phase, quality or peer state returns `ui` itself (no redraw). */
export function callMediaReducer<U extends CallMediaUi>(ui: U, a: CallMediaAction): U {
  switch (a.type) {
    case 'phase':
      return ui.phase === a.phase ? ui : { ...ui, phase: a.phase };
    case 'quality':
      return ui.quality === a.quality ? ui : { ...ui, quality: a.quality };
    case 'peer':
      return ui.peer.audio === a.audio && ui.peer.video === a.video ? ui : { ...ui, peer: { audio: a.audio, video: a.video } };
    case 'muted':
      return { ...ui, muted: a.muted };
    case 'cameraOff':
      return { ...ui, cameraOff: a.cameraOff };
  }
}

// ---------------------------------------------------------------- how a call ended

/** What a `call.ended` says happened; each UI words it from its own side. */
export type CallOutcome =
  /** Answered or not, a call that had to be recorded and could not be never connected. */
  | { kind: 'recordingFailed' }
  | { kind: 'answered'; durationMs: number }
  | { kind: 'declined'; by: CallParty | 'system' }
  | { kind: 'cancelled' }
  /** Not answered in time (or ended by the system before anyone answered). */
  | { kind: 'unanswered' };

export function callOutcome(e: { reason?: string; by?: CallParty | 'system'; durationMs?: number | null }): CallOutcome {
  if (e.reason === 'recording_failed') return { kind: 'recordingFailed' };
  if (e.durationMs !== null && e.durationMs !== undefined) return { kind: 'answered', durationMs: e.durationMs };
  if (e.reason === 'declined') return { kind: 'declined', by: e.by ?? 'system' };
  if (e.reason === 'cancelled') return { kind: 'cancelled' };
  return { kind: 'unanswered' };
}

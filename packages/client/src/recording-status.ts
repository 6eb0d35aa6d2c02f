import type { RecordingMode, RecordingState } from '@visavis/protocol';

/**
 * Where a call's server-side recording stands, for both UIs: the fields each app's live call
 * keeps from its timeline (call.ringing says how the call is recorded, call.answered starts the
 * recording, call.recording events move it on), the latest `call.recording` push, and the status
 * the views read (the "recorded" line, the REC badge, "Starting the recording…", the pause overlay).
 * The words stay in each UI.
 */
export interface CallRecordingFields {
  /** How the call is recorded (from its call.ringing); null = not recorded. */
  recording?: { mode: RecordingMode; dual: boolean } | null;
  /** The server-side recording once answered: 'starting' until a `call.recording` event says otherwise. */
  recordingState?: RecordingState | null;
  /** Seq of the call's last `call.recording` event (0: none); a push older than it is stale. */
  recordingSeq?: number;
}

/** A live call as far as its recording goes (each app's LiveCall is one). */
export interface RecordedCall extends CallRecordingFields {
  callId: string;
  status: 'ringing' | 'active';
}

/** The recording fields of a call that starts ringing, from its call.ringing's `recording` (absent or off: not recorded). */
export function recordingOnRinging(r: { mode: RecordingMode; dual: boolean } | undefined): Required<CallRecordingFields> {
  return { recording: r && r.mode !== 'off' ? { mode: r.mode, dual: r.dual } : null, recordingState: null, recordingSeq: 0 };
}

/** The recording state once the call is answered: a recorded call's recording is starting (unless an event already said more). */
export function recordingOnAnswered(live: CallRecordingFields): RecordingState | null {
  return live.recording ? (live.recordingState ?? 'starting') : null;
}

/** A `call.recording` push, with the call's `recordingSeq` when it arrived. */
export interface RecordingPush {
  callId: string;
  state: RecordingState;
  paused: boolean;
  seq: number;
}

/** The push as an app keeps it: stamped with the timeline's recording seq at that moment. */
export function recordingPush(live: RecordedCall | null, m: { callId: string; state: RecordingState; paused: boolean }): RecordingPush {
  return { callId: m.callId, state: m.state, paused: m.paused, seq: live?.callId === m.callId ? (live.recordingSeq ?? 0) : 0 };
}

export interface RecordingStatus {
  /** The call is recorded: the "recorded" line while it rings, the REC badge once live. */
  recorded: boolean;
  /** Dual recording (雙錄): the visitor accepts the notice before the call rings or is answered; script steps are marked. */
  dual: boolean;
  /** Mandatory or dual: the call connects only once the recording runs. */
  required: boolean;
  state: RecordingState | null;
  /** Answered, waiting for the recording to run ("Starting the recording…" instead of "Connecting…"). */
  starting: boolean;
  /** The recording failed mid-call and the server holds the media until it resumes. */
  paused: boolean;
}

const NOT_RECORDED: RecordingStatus = { recorded: false, dual: false, required: false, state: null, starting: false, paused: false };

/**
 * Where a call's recording stands, from the timeline (which a reload replays) and the latest
 * push (which may arrive before its timeline event). A push is used until a later
 * `call.recording` event of the timeline supersedes it, so a push lost while offline cannot
 * leave a stale "paused" overlay behind.
 */
export function recordingStatus(live: RecordedCall | null, push: RecordingPush | null): RecordingStatus {
  const rec = live?.recording;
  if (!live || !rec) return NOT_RECORDED;
  const required = rec.mode === 'mandatory' || rec.dual;
  const fresh = push !== null && push.callId === live.callId && push.seq >= (live.recordingSeq ?? 0) ? push : null;
  const state = fresh ? fresh.state : (live.recordingState ?? null);
  const active = live.status === 'active';
  return {
    recorded: true,
    dual: rec.dual,
    required,
    state,
    starting: active && required && state === 'starting',
    paused: active && (fresh ? fresh.paused : required && state === 'failed'),
  };
}

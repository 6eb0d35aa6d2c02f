import { describe, expect, it } from 'vitest';
import { recordingOnAnswered, recordingOnRinging, recordingPush, recordingStatus, type RecordedCall } from './recording-status.js';

const call = (over: Partial<RecordedCall> = {}): RecordedCall => ({
  callId: 'k',
  status: 'active',
  ...recordingOnRinging({ mode: 'mandatory', dual: false }),
  recordingState: 'starting',
  ...over,
});

describe('recording status', () => {
  it('takes how the call is recorded from its call.ringing (absent or off: not recorded)', () => {
    expect(recordingOnRinging(undefined)).toEqual({ recording: null, recordingState: null, recordingSeq: 0 });
    expect(recordingOnRinging({ mode: 'off', dual: false }).recording).toBeNull();
    expect(recordingOnRinging({ mode: 'on', dual: true })).toEqual({ recording: { mode: 'on', dual: true }, recordingState: null, recordingSeq: 0 });
  });

  it('starts a recorded call’s recording when answered, unless an event already moved it on', () => {
    expect(recordingOnAnswered({ recording: { mode: 'on', dual: false }, recordingState: null })).toBe('starting');
    expect(recordingOnAnswered({ recording: { mode: 'on', dual: false }, recordingState: 'running' })).toBe('running');
    expect(recordingOnAnswered({ recording: null, recordingState: 'running' })).toBeNull();
  });

  it('reads the push until a later timeline event supersedes it', () => {
    const live = call({ recordingSeq: 4 });
    expect(recordingStatus(live, null)).toEqual({ recorded: true, dual: false, required: true, state: 'starting', starting: true, paused: false });
    const push = recordingPush(live, { callId: 'k', state: 'failed', paused: true });
    expect(push.seq).toBe(4);
    expect(recordingStatus(live, push)).toMatchObject({ state: 'failed', paused: true, starting: false });
    expect(recordingStatus({ ...live, recordingState: 'running', recordingSeq: 5 }, push)).toMatchObject({ state: 'running', paused: false });
    expect(recordingPush(null, { callId: 'k', state: 'running', paused: false }).seq).toBe(0);
    expect(recordingStatus(call({ recording: null }), push).recorded).toBe(false);
    expect(recordingStatus(call({ status: 'ringing' }), null)).toMatchObject({ starting: false, paused: false });
  });
});

import type { EventListeners } from '../platform/events/domain-events.js';
import type { ClientRecordingService } from './client-recording-service.js';
import type { RecordingPostProcessJob } from './recording-postprocess-job.js';
import type { RecordingService } from './recording-service.js';

/**
 * What recording reacts to. A call that ended may have raw files to turn into stored recordings
 * (the job claims them from the database, so a second delivery finds nothing to do), and an
 * agent browser's upload that nobody finished gets its abandonment check scheduled. A stored
 * recording is announced to the agents whose Recordings dialog may be open.
 */
export function registerRecordingListeners(
  listeners: EventListeners,
  r: { postProcess: RecordingPostProcessJob; clientRecordings: ClientRecordingService; recordings: RecordingService },
): void {
  listeners.on('recording.stored', 'push: recording.ready to the call\'s agents', async (e) => r.recordings.announce(e.data.recordingId, e.id));
  listeners.on('call.ended', 'recording: post-process the raw files', async () => r.postProcess.kick());
  listeners.on('call.ended', "recording: finish the browser's upload", async (e) => r.clientRecordings.afterCallEnded(e.data.callId));
}

import type { EventListeners } from '../platform/events/domain-events.js';
import type { ClientRecordingService } from './client-recording-service.js';
import type { RecordingPostProcessJob } from './recording-postprocess-job.js';

/**
 * What recording reacts to. A call that ended may have raw files to turn into stored recordings
 * (the job claims them from the database, so a second delivery finds nothing to do), and an
 * agent browser's upload that nobody finished gets its abandonment check scheduled.
 */
export function registerRecordingListeners(
  listeners: EventListeners,
  r: { postProcess: RecordingPostProcessJob; clientRecordings: ClientRecordingService },
): void {
  listeners.on('call.ended', 'recording: post-process the raw files', async () => r.postProcess.kick());
  listeners.on('call.ended', "recording: finish the browser's upload", async (e) => r.clientRecordings.afterCallEnded(e.data.callId));
}

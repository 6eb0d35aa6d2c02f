import type { Config } from '../platform/config.js';
import { jobPart, type ModulePlatform } from '../platform/modules.js';
import type { MediaRecording } from '../ports/media-server.js';
import { CLIENT_RECORDING_DEFAULTS, ClientRecordingService, type ClientRecordingSettings } from './client-recording-service.js';
import { createCompliance } from './compliance.js';
import { registerRecordingListeners } from './recording-listeners.js';
import { RecordingPostProcessJob } from './recording-postprocess-job.js';

export type RecordingConfig = Pick<
  Config,
  'RECORDING_RETENTION_DAYS' | 'RECORDING_MAX_MB' | 'EVIDENCE_KEY_FILE' | 'FFMPEG_BIN' | 'FFPROBE_BIN' | 'RECORDING_COMPOSITE_FPS' | 'RECORDING_COMPOSITE_TILE'
>;

/**
 * The recording module: the compliance parts (audit log, recordings catalog, evidence, retention),
 * the post-processing of the media server's raw recordings and the browser's client recordings.
 * Registered first: its audit log is what the other modules append to.
 */
export async function recordingModule(
  platform: Pick<ModulePlatform, 'db' | 'bus' | 'clock' | 'blobs' | 'signer' | 'reportError' | 'logInfo' | 'listeners' | 'commands' | 'jobs'>,
  config: RecordingConfig,
  deps: {
    /** The media server's recording (an adapter the composition root builds). */
    recorder: MediaRecording;
    /** Client-recording timings a test shortens. */
    clientRecording?: Partial<ClientRecordingSettings>;
  },
) {
  const { db, clock, reportError } = platform;
  const maxBytes = config.RECORDING_MAX_MB * 1024 * 1024;
  const compliance = await createCompliance({
    db, blobs: platform.blobs, signer: platform.signer, clock, bus: platform.bus, onError: reportError,
    settings: {
      defaultRetentionDays: config.RECORDING_RETENTION_DAYS,
      recordingMaxBytes: maxBytes,
      evidenceKeyFile: config.EVIDENCE_KEY_FILE,
    },
  });
  const [tileWidth, tileHeight] = config.RECORDING_COMPOSITE_TILE.split('x').map(Number);
  const postProcess = new RecordingPostProcessJob(
    db, deps.recorder, compliance.recordings,
    { ffmpeg: config.FFMPEG_BIN, ffprobe: config.FFPROBE_BIN },
    { fps: config.RECORDING_COMPOSITE_FPS, maxTile: { width: tileWidth!, height: tileHeight! } },
    (e) => reportError(e, 'recording post-processing'),
    platform.logInfo,
  );
  const clientRecordings = new ClientRecordingService(db, platform.blobs, compliance.recordings, clock, {
    ...CLIENT_RECORDING_DEFAULTS, totalMaxBytes: maxBytes, ...deps.clientRecording,
  });

  registerRecordingListeners(platform.listeners, { postProcess, clientRecordings, recordings: compliance.recordings });
  platform.commands.handle('client_recording.finish', async ({ callId, party }) => clientRecordings.finishAbandoned(callId, party));
  platform.jobs.add(jobPart('recording post-processing', postProcess));
  platform.jobs.add(jobPart('recording retention', compliance.retention));

  return { compliance, audit: compliance.audit, recordings: compliance.recordings, recorder: deps.recorder, postProcess, clientRecordings };
}

export type RecordingModule = Awaited<ReturnType<typeof recordingModule>>;

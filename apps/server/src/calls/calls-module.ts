import type { AuditLog } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import type { ModulePlatform } from '../platform/modules.js';
import type { MediaRecording } from '../ports/media-server.js';
import type { RecordingService } from '../recording/index.js';
import type { CallMedia } from './call-media.js';
import { CallService, type CallRooms } from './call-service.js';
import { lazyPoolRooms, wireCallMedia } from './call-wiring.js';
import type { MediaServerPool } from './media-pool.js';
import { SnapshotService } from './snapshot-service.js';
import { registerCallListeners } from './call-listeners.js';
import { iceServersFor } from './turn.js';

export type CallsConfig = Pick<Config, 'CALL_RING_SECONDS' | 'CALL_DEFAULT_PROFILE' | 'TURN_URLS' | 'TURN_SECRET' | 'TURN_TTL_SECONDS'>;

/**
 * The calls module: call lifecycle and snapshots now; the media wiring (this node's legs, calls
 * ended when their room is lost) once the media nodes are up (`connectMedia`), and only if there
 * are any.
 */
export function callsModule(
  platform: Pick<ModulePlatform, 'db' | 'uow' | 'bus' | 'clock' | 'reportError' | 'logInfo' | 'commands' | 'life' | 'listeners'>,
  config: CallsConfig,
  deps: {
    recorder: MediaRecording;
    audit: AuditLog;
    recordings: RecordingService;
    /** Media rooms in place of the media nodes' (tests). */
    rooms?: CallRooms | undefined;
  },
) {
  const { db, uow, bus, clock, reportError } = platform;
  // The media nodes start after the HTTP app (they log through it); rooms are asked for later.
  let pool: MediaServerPool | null = null;
  const turn = { urls: config.TURN_URLS, secret: config.TURN_SECRET, ttlSeconds: config.TURN_TTL_SECONDS };
  const calls = new CallService(
    db, uow, bus, clock, deps.rooms ?? lazyPoolRooms(() => pool),
    {
      ringTimeoutMs: config.CALL_RING_SECONDS * 1000,
      defaultProfile: config.CALL_DEFAULT_PROFILE,
      iceServers: (user) => iceServersFor(turn, user, clock.now().getTime()),
    },
    { recorder: deps.recorder, audit: deps.audit },
  );
  const snapshots = new SnapshotService(db, uow, clock, calls, deps.recordings);

  registerCallListeners(platform.listeners, bus);
  platform.commands.handle('call.ring_timeout', async ({ callId }) => calls.ringTimeout(callId));
  platform.commands.handle('call.end', async ({ callId, reason }) => calls.endBySystem(callId, reason));

  return {
    calls, snapshots,
    /** Wires calls to the media nodes once they are up; without any, video is off and so is this. */
    connectMedia(mediaPool: MediaServerPool | null): CallMedia | null {
      pool = mediaPool;
      if (!mediaPool) return null;
      const wiring = wireCallMedia({
        db, bus, calls, pool: mediaPool, onError: (e, what) => reportError(e, what),
        recording: { recorder: deps.recorder, onInfo: platform.logInfo },
      });
      platform.life.add({ name: 'call media', stop: () => wiring.dispose() });
      return wiring.media;
    },
  };
}

export type CallsModule = ReturnType<typeof callsModule>;

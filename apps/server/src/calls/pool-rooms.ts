import { CALL_PROFILES, type CallProfile } from '@visavis/protocol';
import type { MediaServerPool } from './media-pool.js';
import type { CallRooms } from './call-service.js';

/** Call rooms on the least-loaded healthy media node of the pool. */
export function poolRooms(pool: MediaServerPool): CallRooms {
  return {
    available: () => pool.available(),
    async create(callId: string, profile: CallProfile, options: { recordingDir?: string | null } = {}) {
      const node = pool.pick();
      const room = await node.createRoom({
        maxPublishers: 2,
        bitrateCap: CALL_PROFILES[profile].maxBitrate,
        videoCodecs: ['vp8', 'h264'],
        description: `visavis call ${callId}`,
        recording: options.recordingDir ? { dir: options.recordingDir } : null,
      });
      return { node: node.nodeId, room: room.roomId };
    },
    async destroy(nodeId: string, room: string) {
      await pool.node(nodeId)?.destroyRoom(room);
    },
  };
}

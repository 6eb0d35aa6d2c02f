import type { EventBus } from '../ports/event-bus.js';
import type { Database } from '../ports/database.js';
import type { MediaServerPool } from './media-pool.js';
import { CallMedia, type CallRecordingOptions } from './call-media.js';
import type { CallRooms, CallService } from './call-service.js';
import { CallStore } from './call-store.js';
import { poolRooms } from './pool-rooms.js';

const HANDS_CHANGED = new Set(['conversation.assigned', 'conversation.transferred', 'conversation.closed']);

/** Call rooms on whatever pool the media setup produces later (it starts after the HTTP app). */
export function lazyPoolRooms(pool: () => MediaServerPool | null): CallRooms {
  return {
    available: () => pool()?.available() ?? false,
    create: (callId, profile, options) => {
      const p = pool();
      if (!p) return Promise.reject(new Error('no media pool'));
      return poolRooms(p).create(callId, profile, options);
    },
    destroy: async (node, room) => {
      const p = pool();
      if (p) await poolRooms(p).destroy(node, room);
    },
  };
}

/**
 * Connects calls to the media nodes: the per-node leg relay and the lifecycle of the calls live
 * on this node — closed (legs hung up) when a call ends anywhere in the cluster, when its media
 * node is lost, and with this node; re-checked when their conversation changes hands. Calls
 * whose room vanished (a media server restarted) are ended.
 */
export function wireCallMedia(d: {
  db: Database;
  bus: EventBus;
  calls: CallService;
  pool: MediaServerPool;
  recording: CallRecordingOptions | null;
  onError: (e: unknown, what: string) => void;
}): { media: CallMedia; dispose(): Promise<void> } {
  const media = new CallMedia(d.db, d.pool, d.calls, 15_000, (e) => d.onError(e, 'call media'), d.recording);
  const offs = [
    d.bus.subscribe('call.ended', ({ callId }) => void media.release(callId).catch((e: unknown) => d.onError(e, 'release legs'))),
    // The conversation changed hands or closed: who may signal is checked against the database again.
    d.bus.subscribe('conversation.event', (e) => {
      if (HANDS_CHANGED.has(e.event.type)) media.liveCalls.handOver(e.conversationId);
    }),
    ...d.pool.nodes.map((node) =>
      node.on((e) => {
        if (e.type === 'lost') {
          void media.nodeLost(node.nodeId).catch((err: unknown) => d.onError(err, 'close calls of a lost media node'));
          return;
        }
        if (e.roomsLost.length === 0) return;
        void endCallsInRooms(d.db, d.calls, node.nodeId, e.roomsLost).catch((err: unknown) => d.onError(err, 'end calls of lost rooms'));
      }),
    ),
  ];
  return {
    media,
    dispose: async () => {
      offs.forEach((f) => f());
      await media.dispose();
    },
  };
}

async function endCallsInRooms(db: Database, calls: CallService, nodeId: string, rooms: string[]): Promise<void> {
  for (const call of await CallStore.live(db)) {
    if (call.media_node === nodeId && call.media_room && rooms.includes(call.media_room)) {
      await calls.endBySystem(call.id, 'media_failed');
    }
  }
}

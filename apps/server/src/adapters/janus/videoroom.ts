import { z } from 'zod';
import {
  MediaServerError,
  type LayerChoice,
  type MediaRoomInfo,
  type MediaRoomOptions,
  type PublishOptions,
  type PublishSettings,
} from '../../ports/media-server.js';

/**
 * The VideoRoom plugin's requests and replies (https://janus.conf.meetecho.com/docs/videoroom.html,
 * multistream API of Janus 1.x). Requests are built and replies parsed here, nowhere else.
 */
export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';

const Id = z.number().int().nonnegative();

/** Port ids are strings; VideoRoom's are numbers (string_ids = false in the plugin config). */
export function toJanusId(id: string, what: string): number {
  const n = Number(id);
  if (!/^\d{1,16}$/.test(id) || !Number.isSafeInteger(n)) {
    throw new MediaServerError(
      what === 'feed' ? 'feed_not_found' : 'room_not_found',
      `not a ${what} id of this node: ${id}`,
    );
  }
  return n;
}

export function createRoomRequest(o: MediaRoomOptions, adminKey?: string): Record<string, unknown> {
  return {
    request: 'create',
    ...(adminKey ? { admin_key: adminKey } : {}),
    // Rooms live until destroyed or Janus restarts; nothing is written to the plugin's config.
    permanent: false,
    description: o.description ?? 'visavis call',
    publishers: o.maxPublishers ?? 2,
    ...(o.bitrateCap ? { bitrate: o.bitrateCap, bitrate_cap: true } : {}),
    videocodec: (o.videoCodecs?.length ? o.videoCodecs : ['vp8', 'h264']).join(','),
    audiocodec: 'opus',
    // A new subscriber (or one that lost packets) needs a keyframe soon; ask publishers every 10 s.
    fir_freq: 10,
    ...(o.recording ? { record: true, rec_dir: o.recording.dir } : { record: false }),
  };
}

export function parseCreated(data: Record<string, unknown>): string {
  return String(
    z
      .object({ videoroom: z.literal('created'), room: Id })
      .loose()
      .parse(data).room,
  );
}

export function destroyRoomRequest(room: number, adminKey?: string): Record<string, unknown> {
  return { request: 'destroy', room, permanent: false, ...(adminKey ? { admin_key: adminKey } : {}) };
}

export function listRoomsRequest(adminKey?: string): Record<string, unknown> {
  // With the admin key, private rooms are listed too.
  return { request: 'list', ...(adminKey ? { admin_key: adminKey } : {}) };
}

const RoomListEntry = z
  .object({
    room: Id,
    description: z.string().optional(),
    max_publishers: z.number().int().optional(),
    num_participants: z.number().int().optional(),
    record: z.boolean().optional(),
  })
  .loose();

export function parseRoomList(data: Record<string, unknown>): MediaRoomInfo[] {
  const { list } = z
    .object({ list: z.array(RoomListEntry) })
    .loose()
    .parse(data);
  return list.map((r) => ({
    roomId: String(r.room),
    description: r.description ?? '',
    maxPublishers: r.max_publishers ?? 0,
    participants: r.num_participants ?? 0,
    recording: r.record ?? false,
  }));
}

export function joinPublisherRequest(room: number, o: PublishOptions): Record<string, unknown> {
  return {
    request: 'join',
    ptype: 'publisher',
    room,
    ...(o.displayName ? { display: o.displayName } : {}),
    ...(o.feedId ? { id: toJanusId(o.feedId, 'feed') } : {}),
  };
}

/** `joined` answers the publisher's own feed id. */
export function parseJoined(data: Record<string, unknown>): string {
  return String(
    z
      .object({ videoroom: z.literal('joined'), id: Id })
      .loose()
      .parse(data).id,
  );
}

export function configurePublisherRequest(s: PublishSettings): Record<string, unknown> {
  return {
    request: 'configure',
    ...(s.audio !== undefined ? { audio: s.audio } : {}),
    ...(s.video !== undefined ? { video: s.video } : {}),
    ...(s.bitrate !== undefined ? { bitrate: s.bitrate } : {}),
    ...(s.record !== undefined ? { record: s.record } : {}),
    // Janus joins it to the room's rec_dir and appends the stream type and index.
    ...(s.recordingName !== undefined ? { filename: s.recordingName } : {}),
  };
}

export function joinSubscriberRequest(room: number, feed: number): Record<string, unknown> {
  return { request: 'join', ptype: 'subscriber', room, streams: [{ feed }] };
}

const AttachedStream = z
  .object({ type: z.string(), mid: z.string().optional(), feed_id: Id.optional() })
  .loose();

/** `attached` (with the offer) lists the subscription's streams; their video mids are kept. */
export function parseAttached(data: Record<string, unknown>): { videoMids: string[] } {
  const a = z
    .object({ videoroom: z.literal('attached'), streams: z.array(AttachedStream).optional() })
    .loose()
    .parse(data);
  return { videoMids: (a.streams ?? []).filter((s) => s.type === 'video' && s.mid).map((s) => s.mid!) };
}

export const startRequest = (): Record<string, unknown> => ({ request: 'start' });
export const pauseRequest = (): Record<string, unknown> => ({ request: 'pause' });

export function switchLayerRequest(c: LayerChoice, videoMids: string[]): Record<string, unknown> {
  const mids = c.mid ? [c.mid] : videoMids;
  if (mids.length === 0)
    throw new MediaServerError('rejected', 'switch layer: the subscription has no video stream');
  const layer = {
    ...(c.substream !== undefined ? { substream: c.substream } : {}),
    ...(c.temporal !== undefined ? { temporal: c.temporal } : {}),
  };
  return { request: 'configure', streams: mids.map((mid) => ({ mid, ...layer })) };
}

/** Unsolicited plugin events a leg cares about, in the port's terms. */
export type RoomNotice = { kind: 'room_destroyed' } | { kind: 'feed_gone'; feedId: string } | null;

export function parseNotice(data: Record<string, unknown>): RoomNotice {
  if (data.videoroom === 'destroyed') return { kind: 'room_destroyed' };
  for (const key of ['unpublished', 'leaving', 'kicked']) {
    const v = data[key];
    if (typeof v === 'number') return { kind: 'feed_gone', feedId: String(v) };
  }
  // A subscriber whose publisher went away gets `updated` with no active stream left.
  if (data.videoroom === 'updated' && Array.isArray(data.streams)) {
    const active = data.streams.some(
      (s) => typeof s === 'object' && s !== null && (s as { active?: unknown }).active !== false,
    );
    if (!active) return { kind: 'feed_gone', feedId: '' };
  }
  return null;
}

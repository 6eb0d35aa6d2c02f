import { z } from 'zod';
import { MediaServerError, type IceCandidate, type Jsep } from '../../ports/media-server.js';

/**
 * The Janus core API on the wire (https://janus.conf.meetecho.com/docs/rest.html, WebSocket
 * flavour). Every message Janus sends is parsed here with zod; the rest of the adapter works
 * with the typed results. Plugin (videoroom) bodies are in videoroom.ts.
 */

/** Janus drops a WebSocket that does not ask for one of these subprotocols, without a word. */
export const JANUS_PROTOCOL = 'janus-protocol';
export const JANUS_ADMIN_PROTOCOL = 'janus-admin-protocol';

/** Janus keeps its ids below 2^53 so JavaScript clients can hold them as numbers. */
const Id = z.number().int().nonnegative();

const WireJsep = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string() }).loose();
const WireCandidate = z.union([
  z.object({ completed: z.literal(true) }).loose(),
  z
    .object({
      candidate: z.string(),
      sdpMid: z.string().nullish(),
      sdpMLineIndex: z.number().int().nullish(),
    })
    .loose(),
]);

/** Any message from Janus: a reply (with our transaction) or an event (without one). */
export const WireMessage = z
  .object({
    janus: z.string(),
    transaction: z.string().optional(),
    session_id: Id.optional(),
    sender: Id.optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    error: z.object({ code: z.number().int(), reason: z.string() }).loose().optional(),
    plugindata: z
      .object({ plugin: z.string(), data: z.record(z.string(), z.unknown()) })
      .loose()
      .optional(),
    jsep: WireJsep.optional(),
    candidate: WireCandidate.optional(),
    // media / slowlink / hangup events
    type: z.string().optional(),
    receiving: z.boolean().optional(),
    uplink: z.boolean().optional(),
    lost: z.number().optional(),
    mid: z.string().optional(),
    reason: z.string().optional(),
  })
  .loose();
export type WireMessage = z.infer<typeof WireMessage>;

/** What a handle (one PeerConnection + plugin instance) hears from Janus, in Janus's terms. */
export type HandleEvent =
  | { kind: 'webrtcup' }
  | { kind: 'media'; type: 'audio' | 'video'; receiving: boolean; mid?: string }
  | { kind: 'slowlink'; uplink: boolean; lost: number; mid?: string }
  | { kind: 'hangup'; reason: string }
  | { kind: 'detached' }
  | { kind: 'trickle'; candidate: IceCandidate | null }
  | { kind: 'plugin'; data: Record<string, unknown>; jsep?: Jsep };

/** Turns an event addressed to a handle (`sender`) into a HandleEvent; null for unknown kinds. */
export function toHandleEvent(m: WireMessage): HandleEvent | null {
  switch (m.janus) {
    case 'webrtcup':
      return { kind: 'webrtcup' };
    case 'media':
      if (m.type !== 'audio' && m.type !== 'video') return null;
      return {
        kind: 'media',
        type: m.type,
        receiving: m.receiving === true,
        ...(m.mid ? { mid: m.mid } : {}),
      };
    case 'slowlink':
      return {
        kind: 'slowlink',
        uplink: m.uplink === true,
        lost: m.lost ?? 0,
        ...(m.mid ? { mid: m.mid } : {}),
      };
    case 'hangup':
      return { kind: 'hangup', reason: m.reason ?? 'hangup' };
    case 'detached':
      return { kind: 'detached' };
    case 'trickle': {
      const c = m.candidate;
      if (!c) return null;
      if ('completed' in c) return { kind: 'trickle', candidate: null };
      return {
        kind: 'trickle',
        candidate: {
          candidate: c.candidate,
          sdpMid: c.sdpMid ?? null,
          sdpMLineIndex: c.sdpMLineIndex ?? null,
        },
      };
    }
    case 'event':
      if (!m.plugindata) return null;
      return { kind: 'plugin', data: m.plugindata.data, ...(m.jsep ? { jsep: toJsep(m.jsep) } : {}) };
    default:
      return null;
  }
}

export function toJsep(j: z.infer<typeof WireJsep>): Jsep {
  return { type: j.type, sdp: j.sdp };
}

/** A candidate from the port in the shape of Janus's `trickle` request. */
export function toWireCandidate(c: IceCandidate | null): Record<string, unknown> {
  if (c === null) return { completed: true };
  return {
    candidate: c.candidate,
    sdpMid: c.sdpMid ?? undefined,
    sdpMLineIndex: c.sdpMLineIndex ?? undefined,
  };
}

/** Janus core error codes (janus/apierror.h) that mean our session or handle no longer exists. */
const SESSION_NOT_FOUND = 458;
const HANDLE_NOT_FOUND = 459;
/** VideoRoom plugin error codes (plugins/janus_videoroom.c). */
const VIDEOROOM_NO_SUCH_ROOM = 426;
const VIDEOROOM_NO_SUCH_FEED = 428;
const VIDEOROOM_PUBLISHERS_FULL = 432;

/** A Janus error (core or plugin) as the port's typed error, keeping Janus's code and words. */
export function janusError(code: number, reason: string, what: string): MediaServerError {
  const message = `${what}: Janus error ${code}: ${reason}`;
  switch (code) {
    case SESSION_NOT_FOUND:
    case HANDLE_NOT_FOUND:
      return new MediaServerError('session_gone', message, code, reason);
    case VIDEOROOM_NO_SUCH_ROOM:
      return new MediaServerError('room_not_found', message, code, reason);
    case VIDEOROOM_NO_SUCH_FEED:
      return new MediaServerError('feed_not_found', message, code, reason);
    case VIDEOROOM_PUBLISHERS_FULL:
      return new MediaServerError('room_full', message, code, reason);
    default:
      return new MediaServerError('rejected', message, code, reason);
  }
}

/** Plugin replies report failure inside the data (`error_code`, `error`), not as a core error. */
export function pluginError(data: Record<string, unknown>, what: string): MediaServerError | null {
  if (typeof data.error_code !== 'number') return null;
  return janusError(data.error_code, typeof data.error === 'string' ? data.error : 'unknown error', what);
}

import {
  MediaServerError,
  type MediaFeedId,
  type MediaNodeEvent,
  type MediaNodeLoad,
  type MediaNodeState,
  type MediaRoomId,
  type MediaRoomInfo,
  type MediaRoomOptions,
  type MediaServer,
  type PublisherLeg,
  type PublishOptions,
  type SubscriberLeg,
} from '../../ports/media-server.js';
import { JanusConnection } from './connection.js';
import { JanusPublisherLeg, JanusSubscriberLeg, type AnyJanusLeg } from './legs.js';
import { Listeners } from './listeners.js';
import { JanusSession, type JanusHandle } from './session.js';
import {
  VIDEOROOM_PLUGIN,
  createRoomRequest,
  destroyRoomRequest,
  joinPublisherRequest,
  joinSubscriberRequest,
  listRoomsRequest,
  parseAttached,
  parseCreated,
  parseJoined,
  parseRoomList,
  toJanusId,
} from './videoroom.js';
import { JANUS_PROTOCOL } from './wire.js';

export interface JanusNodeOptions {
  nodeId: string;
  /** ws://host:port of Janus's WebSocket API. */
  url: string;
  /** Janus's `api_secret`, when it has one. */
  apiSecret?: string;
  /** The VideoRoom plugin's `admin_key`, when it has one (needed to create and list rooms). */
  roomAdminKey?: string;
  requestTimeoutMs?: number;
  /** Keepalive period of the session; default 25 s (Janus times sessions out after 60 s). */
  keepaliveMs?: number;
  /** Delay before reconnect attempt n (1, 2, ...); null stops trying. */
  reconnectDelayMs?: (attempt: number) => number | null;
  /** Background failures: malformed messages, listener errors, failed reconnects. */
  onError?: (e: unknown) => void;
}

/** 250 ms, 500 ms, 1 s, 2 s, then every 4 s, forever: a media node that comes back is used again. */
export const defaultReconnectDelay = (attempt: number): number => Math.min(4_000, 250 * 2 ** (attempt - 1));

/**
 * One Janus instance as a MediaServer. It keeps one Janus session on one WebSocket: a control
 * handle for room management and one handle per leg. When the session is lost (socket closed,
 * Janus restarted or hung, session timed out) every leg closes with `node_lost`, a `lost` event
 * goes out and it reconnects with back-off; the `up` event after that names the rooms that did
 * not survive (all of them after a restart), so their calls can be ended or re-created.
 */
export class JanusMediaServer implements MediaServer {
  readonly nodeId: string;
  private current: MediaNodeState = 'connecting';
  private conn: JanusConnection | null = null;
  private session: JanusSession | null = null;
  private control: JanusHandle | null = null;
  /** Rooms this client created and has not destroyed. */
  private readonly rooms = new Set<MediaRoomId>();
  private readonly legs = new Set<AnyJanusLeg>();
  private readonly events: Listeners<MediaNodeEvent>;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;

  constructor(private readonly opts: JanusNodeOptions) {
    this.nodeId = opts.nodeId;
    this.events = new Listeners(opts.onError);
  }

  get state(): MediaNodeState {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.current === 'closed') throw new MediaServerError('closed', 'start: the node was closed');
    try {
      await this.connect();
    } catch (e) {
      // Not fatal for the caller's process: keep trying in the background.
      this.current = 'lost';
      this.scheduleReconnect();
      throw e;
    }
  }

  async ping(): Promise<number> {
    const session = this.requireUp('ping');
    const started = performance.now();
    await session.conn.request(
      { janus: 'keepalive', session_id: session.id },
      { ackIsFinal: true, what: 'ping', timeoutMs: Math.min(this.opts.requestTimeoutMs ?? 10_000, 5_000) },
    );
    return performance.now() - started;
  }

  load(): MediaNodeLoad {
    return { rooms: this.rooms.size, legs: this.legs.size };
  }

  async createRoom(options: MediaRoomOptions = {}): Promise<MediaRoomInfo> {
    this.requireUp('create room');
    const { data } = await this.control!.message(createRoomRequest(options, this.opts.roomAdminKey));
    const roomId = parseCreated(data);
    this.rooms.add(roomId);
    return {
      roomId,
      description: options.description ?? 'visavis call',
      maxPublishers: options.maxPublishers ?? 2,
      participants: 0,
      recording: Boolean(options.recording),
    };
  }

  async destroyRoom(roomId: MediaRoomId): Promise<void> {
    this.requireUp('destroy room');
    try {
      await this.control!.message(destroyRoomRequest(toJanusId(roomId, 'room'), this.opts.roomAdminKey));
    } catch (e) {
      if (!(e instanceof MediaServerError && e.code === 'room_not_found')) throw e;
    }
    this.rooms.delete(roomId);
    for (const leg of [...this.legs]) if (leg.roomId === roomId) leg.finish('room_destroyed');
  }

  async listRooms(): Promise<MediaRoomInfo[]> {
    this.requireUp('list rooms');
    const { data } = await this.control!.message(listRoomsRequest(this.opts.roomAdminKey));
    return parseRoomList(data);
  }

  async publish(roomId: MediaRoomId, options: PublishOptions = {}): Promise<PublisherLeg> {
    const handle = await this.requireUp('publish').attach(VIDEOROOM_PLUGIN);
    try {
      const { data } = await handle.message(joinPublisherRequest(toJanusId(roomId, 'room'), options));
      return this.track(
        new JanusPublisherLeg(handle, roomId, parseJoined(data), this.untrack, this.opts.onError),
      );
    } catch (e) {
      await handle.detach().catch(() => {});
      throw e;
    }
  }

  async subscribe(roomId: MediaRoomId, feedId: MediaFeedId): Promise<SubscriberLeg> {
    const handle = await this.requireUp('subscribe').attach(VIDEOROOM_PLUGIN);
    try {
      const { data, jsep } = await handle.message(
        joinSubscriberRequest(toJanusId(roomId, 'room'), toJanusId(feedId, 'feed')),
      );
      if (jsep?.type !== 'offer') throw new MediaServerError('protocol', 'subscribe: Janus sent no offer');
      const { videoMids } = parseAttached(data);
      return this.track(
        new JanusSubscriberLeg(handle, roomId, feedId, jsep, videoMids, this.untrack, this.opts.onError),
      );
    } catch (e) {
      await handle.detach().catch(() => {});
      throw e;
    }
  }

  on(listener: (event: MediaNodeEvent) => void): () => void {
    return this.events.add(listener);
  }

  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.current = 'closed';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await Promise.allSettled([...this.legs].map((leg) => leg.close()));
    await this.session?.destroy();
    this.conn?.close();
    this.events.clear();
  }

  private requireUp(what: string): JanusSession {
    if (this.current === 'closed')
      throw new MediaServerError('closed', `${what}: media node ${this.nodeId} is closed`);
    if (this.current !== 'up' || !this.session || this.session.isLost) {
      throw new MediaServerError('unavailable', `${what}: media node ${this.nodeId} is ${this.current}`);
    }
    return this.session;
  }

  private track<L extends AnyJanusLeg>(leg: L): L {
    this.legs.add(leg);
    return leg;
  }

  private readonly untrack = (leg: AnyJanusLeg): void => {
    this.legs.delete(leg);
  };

  private async connect(): Promise<void> {
    const conn = await JanusConnection.open({
      url: this.opts.url,
      protocol: JANUS_PROTOCOL,
      requestTimeoutMs: this.opts.requestTimeoutMs ?? 10_000,
      ...(this.opts.apiSecret ? { secret: { field: 'apisecret', value: this.opts.apiSecret } } : {}),
      ...(this.opts.onError ? { onError: this.opts.onError } : {}),
    });
    try {
      const session = await JanusSession.create(conn, {
        ...(this.opts.keepaliveMs ? { keepaliveMs: this.opts.keepaliveMs } : {}),
        ...(this.opts.onError ? { onError: this.opts.onError } : {}),
      });
      const control = await session.attach(VIDEOROOM_PLUGIN);
      const { data } = await control.message(listRoomsRequest(this.opts.roomAdminKey));
      const present = new Set(parseRoomList(data).map((r) => r.roomId));
      if (this.current === 'closed') {
        conn.close();
        return;
      }
      const roomsLost = [...this.rooms].filter((r) => !present.has(r));
      for (const r of roomsLost) this.rooms.delete(r);
      this.conn = conn;
      this.session = session;
      this.control = control;
      this.current = 'up';
      this.attempt = 0;
      session.onLost((reason) => this.lost(session, reason));
      this.events.emit({ type: 'up', nodeId: this.nodeId, roomsLost });
    } catch (e) {
      conn.terminate('connect failed');
      throw e;
    }
  }

  private lost(session: JanusSession, reason: string): void {
    if (this.current === 'closed' || session !== this.session) return;
    this.current = 'lost';
    this.session = null;
    this.control = null;
    this.conn?.terminate(reason);
    this.conn = null;
    for (const leg of [...this.legs]) leg.finish('node_lost');
    this.events.emit({ type: 'lost', nodeId: this.nodeId, reason });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.current === 'closed' || this.reconnectTimer) return;
    const delay = (this.opts.reconnectDelayMs ?? defaultReconnectDelay)(++this.attempt);
    if (delay === null) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.current === 'closed') return;
      this.connect().catch((e: unknown) => {
        this.opts.onError?.(e);
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }
}

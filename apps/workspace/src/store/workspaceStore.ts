import { Call, Connection, Conversation, VisavisError, recordingStatus, type Command, type ConnectionStatus, type RecordingStatus } from '@visavis/client';
import type { CallJoinInfo, ConversationSummary, Presence, SequencedEvent, ServerMessage } from '@visavis/protocol';
import { api, wsUrl, type Session } from '../api.js';
import { applyEventToSummary, isNewAssignment, mergeSummary, replaceScope } from '../lib/inbox.js';
import { withReadUpTo } from '../lib/timeline.js';
import { Outbox } from './outbox.js';
import type { WorkspaceState } from './state.js';

/** Who follows the calls of the followed conversations (the call store), by conversation id. */
export interface CallListener {
  /** Start this call's media here now (the Call's join rule: once per call, never for one that ended). */
  join(conversationId: string, info: CallJoinInfo): void;
  /** The call's server-side recording status changed. */
  recording(conversationId: string, status: RecordingStatus): void;
}

export interface StoreHooks {
  /** The session is gone (expired, logged out elsewhere): show the login page. */
  onAuthLost: () => void;
  /** A conversation was just assigned to this agent. */
  onNewAssignment: (s: ConversationSummary) => void;
}

/**
 * The workspace's single source of truth: owns the realtime Connection, keeps the conversation
 * list and the timelines of subscribed conversations, and exposes an immutable snapshot for
 * React. Components call methods; they never talk to the socket themselves.
 *
 * Subscriptions: every live conversation assigned to me (so previews, unread counts and waiting
 * times stay exact) plus whatever is selected, each an SDK `Conversation` (its timeline, the
 * agent's sends, receipts and typing both ways). The SDK remembers each cursor and resubscribes
 * after a reconnect; we only reload the list snapshot.
 */
export class WorkspaceStore {
  private state: WorkspaceState;
  private readonly listeners = new Set<() => void>();
  private conn: Connection | null = null;
  /** The followed conversations (subscribed), by id, and their calls. */
  private readonly convs = new Map<string, Conversation>();
  private readonly calls = new Map<string, Call>();
  private readonly callListeners = new Set<CallListener>();
  /** Conversations the server stopped sending us (`conversation.unsubscribed`): not followed again until assigned to me. */
  private readonly accessLost = new Set<string>();
  private readonly offs: (() => void)[] = [];
  private readySeen = false;
  private lastAuthCheck = 0;
  private readonly deliveredTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Other parts of the workspace (offers, supervisor view) that follow pushes, `ready` included. */
  private readonly pushListeners = new Set<(m: ServerMessage) => void>();
  readonly outbox: Outbox;

  constructor(
    session: Session,
    private readonly hooks: StoreHooks,
  ) {
    this.state = {
      me: session.agent,
      org: session.org,
      conn: 'connecting',
      summaries: {},
      load: { live: 'idle', closed: 'idle' },
      timelines: {},
      typing: {},
      selectedId: null,
      fresh: [],
      details: {},
    };
    this.outbox = new Outbox({ conversation: (id) => this.convs.get(id) ?? null });
  }

  // --- React binding -------------------------------------------------------------------------

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): WorkspaceState => this.state;

  private patch(p: Partial<WorkspaceState>): void {
    this.state = { ...this.state, ...p };
    for (const fn of this.listeners) fn();
  }

  // --- lifecycle -----------------------------------------------------------------------------

  start(): void {
    if (this.conn) return;
    const conn = new Connection({ url: wsUrl() });
    this.conn = conn;
    this.offs.push(
      conn.on('status', (s) => this.onStatus(s)),
      conn.on('ready', () => this.onReady()),
      conn.on('message', (m) => this.onMessage(m)),
    );
    void this.loadScope('live');
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    for (const t of this.deliveredTimers.values()) clearTimeout(t);
    this.deliveredTimers.clear();
    this.outbox.dispose();
    // start() may run again on the same store (React StrictMode mounts effects twice), and a
    // new Connection starts with no subscriptions and no cursors.
    for (const call of this.calls.values()) call.close();
    this.calls.clear();
    for (const conv of this.convs.values()) conv.close();
    this.convs.clear();
    this.conn?.close();
    this.conn = null;
    this.accessLost.clear();
    this.readySeen = false;
  }

  private requireConn(): Connection {
    if (!this.conn) throw new VisavisError('DISCONNECTED', 'not connected');
    return this.conn;
  }

  private onStatus(s: ConnectionStatus): void {
    this.patch({ conn: s });
    // A socket that keeps failing may mean the session cookie expired; ask the API, which
    // answers 401 clearly, at most every 10 s.
    if (s === 'reconnecting' && Date.now() - this.lastAuthCheck > 10_000) {
      this.lastAuthCheck = Date.now();
      api.me().catch((e) => this.checkAuthError(e));
    }
  }

  private onReady(): void {
    // The first ready follows the initial HTTP load; later ones follow a reconnect, after which
    // the list may be stale (assignments and closes happened while we were away).
    if (this.readySeen) {
      void this.loadScope('live');
      if (this.state.load.closed !== 'idle') void this.loadScope('closed');
    }
    this.readySeen = true;
  }

  private checkAuthError(e: unknown): boolean {
    if (e instanceof VisavisError && e.code === 'UNAUTHENTICATED') {
      this.hooks.onAuthLost();
      return true;
    }
    return false;
  }

  // --- conversation list ---------------------------------------------------------------------

  async loadScope(scope: 'live' | 'closed'): Promise<void> {
    const firstLoad = this.state.load[scope] === 'idle';
    this.patch({ load: { ...this.state.load, [scope]: 'loading' } });
    try {
      const { conversations } = await api.conversations(scope);
      const before = this.state.summaries;
      const summaries = replaceScope(before, conversations, scope);
      // After a reconnect, assignments made while we were away still deserve an alert; on the
      // first load everything is "new", so nothing is announced.
      const arrived =
        scope === 'live' && !firstLoad
          ? conversations.filter((c) => isNewAssignment(before[c.id], c, this.state.me.id))
          : [];
      const fresh = [
        ...this.state.fresh,
        ...arrived
          .map((c) => c.id)
          .filter((id) => id !== this.state.selectedId && !this.state.fresh.includes(id)),
      ];
      this.patch({ summaries, fresh, load: { ...this.state.load, [scope]: 'ok' } });
      this.syncSubscriptions();
      for (const c of arrived) this.hooks.onNewAssignment(c);
    } catch (e) {
      if (this.checkAuthError(e)) return;
      this.patch({ load: { ...this.state.load, [scope]: 'error' } });
    }
  }

  /** Follow every server push (including `ready` after each reconnect); answers an unsubscribe. */
  listen(fn: (m: ServerMessage) => void): () => void {
    this.pushListeners.add(fn);
    return () => this.pushListeners.delete(fn);
  }

  /** The realtime connection itself, for the call media (CallSession signals over it); null when stopped. */
  connection(): Connection | null {
    return this.conn;
  }

  /** The SDK's model of a followed conversation's call (start, answer, join rule); null when not followed. */
  call(conversationId: string): Call | null {
    return this.calls.get(conversationId) ?? null;
  }

  /** Follows the calls of the followed conversations: joins and recording status. */
  followCalls(l: CallListener): () => void {
    this.callListeners.add(l);
    return () => this.callListeners.delete(l);
  }

  /** A WebSocket command with its ack (offers, transfers); rejects with the catalog code. */
  request<T = unknown>(cmd: Command): Promise<T> {
    return this.requireConn().request<T>(cmd);
  }

  private onMessage(m: ServerMessage): void {
    for (const fn of this.pushListeners) fn(m);
    switch (m.type) {
      case 'inbox.updated':
        return this.onInbox(m.conversation);
      case 'conversation.event': {
        // Pushes for conversations we do not follow only refresh the list entry; followed ones
        // arrive through their Conversation's de-duplicated 'event' stream (onEvent).
        if (this.convs.has(m.conversationId)) return;
        const s = this.state.summaries[m.conversationId];
        if (!s) return;
        const { type: _t, ...ev } = m;
        const next = applyEventToSummary(s, ev, this.state.selectedId === s.id);
        if (next !== s) this.patch({ summaries: { ...this.state.summaries, [s.id]: next } });
        return;
      }
      case 'conversation.unsubscribed':
        // Transferred away or unassigned: the SDK dropped it; follow it again only once it is ours.
        this.unfollow(m.conversationId);
        this.accessLost.add(m.conversationId);
        return this.setVisitorTyping(m.conversationId, false);
      case 'presence.changed':
        if (m.agentId === this.state.me.id) this.patch({ me: { ...this.state.me, presence: m.presence } });
        return;
      default:
        return;
    }
  }

  private onInbox(incoming: ConversationSummary): void {
    const prev = this.state.summaries[incoming.id];
    const next = mergeSummary(prev, incoming);
    const fresh = isNewAssignment(prev, next, this.state.me.id);
    // Plain agents list only their own conversations: one re-queued or handed to a colleague
    // leaves the live list (supervisors and admins keep seeing the whole organisation's).
    const gone =
      this.state.me.role === 'agent' && next.status !== 'closed' && next.agentId !== this.state.me.id;
    const { [next.id]: _old, ...others } = this.state.summaries;
    this.patch({
      summaries: gone ? others : { ...others, [next.id]: next },
      fresh:
        fresh && this.state.selectedId !== next.id && !this.state.fresh.includes(next.id)
          ? [...this.state.fresh, next.id]
          : this.state.fresh,
    });
    this.syncSubscriptions();
    if (fresh) this.hooks.onNewAssignment(next);
  }

  /** Follow my live conversations and the selected one; let go of the rest. */
  private syncSubscriptions(): void {
    const conn = this.conn;
    if (!conn) return;
    const want = new Set<string>();
    for (const s of Object.values(this.state.summaries)) {
      if (s.status !== 'closed' && s.agentId === this.state.me.id) want.add(s.id);
    }
    if (this.state.selectedId) want.add(this.state.selectedId);
    for (const id of this.accessLost) {
      const s = this.state.summaries[id];
      if (s && s.status !== 'closed' && s.agentId === this.state.me.id) this.accessLost.delete(id);
      else want.delete(id);
    }
    for (const id of want) if (!this.convs.has(id)) this.follow(conn, id);
    for (const id of [...this.convs.keys()]) if (!want.has(id)) this.unfollow(id);
  }

  private unfollow(id: string): void {
    const call = this.calls.get(id);
    call?.close();
    this.calls.delete(id);
    // What its call's recording was is no news any more.
    if (call?.recording.recorded) for (const l of this.callListeners) l.recording(id, recordingStatus(null, null));
    this.convs.get(id)?.close();
    this.convs.delete(id);
  }

  /**
   * Follows a conversation: always from 0 (the SDK then keeps the cursor), on the timeline we
   * already hold, if any: a replay of events held is harmless, the timeline drops a seq it has.
   */
  private follow(conn: Connection, id: string): void {
    const held = this.state.timelines[id];
    const conv = new Conversation(conn, id, {
      me: 'agent',
      // Any author's message confirms a pending one here: more than one agent may write.
      confirmedBy: null,
      ...(held ? { timeline: held } : {}),
    });
    this.convs.set(id, conv);
    const call = new Call(conv, conn, 'agent');
    this.calls.set(id, call);
    call.on('join', (info) => {
      for (const l of this.callListeners) l.join(id, info);
    });
    call.on('recording', (status) => {
      for (const l of this.callListeners) l.recording(id, status);
    });
    conv.on('changed', (tl) => this.patch({ timelines: { ...this.state.timelines, [id]: withReadUpTo(tl, conv.readUpTo) } }));
    conv.on('event', (ev) => this.onEvent(ev));
    conv.on('peer-typing', (typing) => this.setVisitorTyping(id, typing));
    if (!held) this.patch({ timelines: { ...this.state.timelines, [id]: conv.timeline } });
  }

  /** A new event of a followed conversation (its timeline has it already). */
  private onEvent(ev: SequencedEvent): void {
    const id = ev.conversationId;
    const s = this.state.summaries[id];
    const nextS = s ? applyEventToSummary(s, ev, this.state.selectedId === id) : s;
    if (s && nextS && nextS !== s) this.patch({ summaries: { ...this.state.summaries, [id]: nextS } });
    if (ev.event.type === 'message' && ev.event.author.kind === 'visitor') this.scheduleDelivered(id);
    if (ev.event.type === 'conversation.closed' && this.state.selectedId === id) void this.loadDetails(id);
  }

  // --- selection and visitor details ---------------------------------------------------------

  select(id: string | null): void {
    this.patch({ selectedId: id, fresh: id ? this.state.fresh.filter((x) => x !== id) : this.state.fresh });
    if (!id) return;
    this.syncSubscriptions();
    void this.loadDetails(id);
  }

  async loadDetails(id: string): Promise<void> {
    const had = this.state.details[id];
    // Keep showing old data while refreshing, so the panel does not flash.
    this.patch({ details: { ...this.state.details, [id]: had?.data ? had : { status: 'loading' } } });
    try {
      const data = await api.conversation(id);
      this.patch({ details: { ...this.state.details, [id]: { status: 'ok', data } } });
    } catch (e) {
      if (this.checkAuthError(e)) return;
      const code = e instanceof VisavisError ? e.code : 'INTERNAL';
      this.patch({
        details: {
          ...this.state.details,
          [id]: { status: 'error', error: code, ...(had?.data ? { data: had.data } : {}) },
        },
      });
    }
  }

  // --- receipts ------------------------------------------------------------------------------

  /** Tell the visitor their messages reached an agent's screen (debounced over a replay burst). */
  private scheduleDelivered(id: string): void {
    clearTimeout(this.deliveredTimers.get(id));
    this.deliveredTimers.set(
      id,
      setTimeout(() => {
        this.deliveredTimers.delete(id);
        if (this.state.summaries[id]?.status === 'closed') return;
        this.convs.get(id)?.markDelivered();
      }, 300),
    );
  }

  /** The agent has seen everything up to `upToSeq` (called for messages visible on screen). */
  markRead(id: string, upToSeq: number): void {
    const conv = this.convs.get(id);
    const tl = this.state.timelines[id];
    // Only worth a receipt if it covers a visitor message we have not marked yet (the SDK's rule).
    if (!conv || !tl || upToSeq <= 0 || !conv.markRead(upToSeq)) return;
    // Optimistic: the badge clears now; the server's receipt event confirms it (max() merge).
    const s = this.state.summaries[id];
    this.patch({
      timelines: { ...this.state.timelines, [id]: withReadUpTo(tl, upToSeq) },
      ...(s && s.unread > 0 && upToSeq >= s.lastSeq
        ? { summaries: { ...this.state.summaries, [id]: { ...s, unread: 0 } } }
        : {}),
    });
  }

  // --- typing --------------------------------------------------------------------------------

  /** The visitor's indicator, from the Conversation (which turns it off after a few seconds without news). */
  private setVisitorTyping(id: string, typing: boolean): void {
    if (typing === (this.state.typing[id] === true)) return;
    const { [id]: _old, ...rest } = this.state.typing;
    this.patch({ typing: typing ? { ...rest, [id]: true } : rest });
  }

  /** Composer keystrokes call this with true (throttled by the SDK); send and blur with false. */
  setTyping(id: string, typing: boolean): void {
    this.convs.get(id)?.typing(typing);
  }

  // --- commands ------------------------------------------------------------------------------

  async closeConversation(id: string): Promise<void> {
    await this.requireConn().request({ type: 'conversation.close', conversationId: id });
  }

  async setPresence(presence: Presence): Promise<void> {
    const { agent } = await api.setPresence(presence);
    this.patch({ me: agent });
  }

  /** For the "reconnecting" e2e check and manual testing: drop the socket like a network blip. */
  dropConnectionForTest(): void {
    this.conn?.dropForTest();
  }
}

import { LIMITS, type ConversationSummary, type Language, type SequencedEvent, type ServerMessage } from '@visavis/protocol';
import { Call, Connection, Conversation, VisavisError, newClientMsgId, type ConnectionStatus } from '@visavis/client';
import { pickLiveConversation, type VisitorApi } from './api.js';
import type { HostBridge } from './host.js';
import type { BridgeIdentity } from '../shared/bridge.js';
import { Timeline } from './timeline.js';
import { checkUpload, effectiveMime, isImageMime } from './files.js';
import { describeFailure, describeUploadProblem } from './problems.js';
import type { Translate } from './i18n.js';
import { OfflineMessage, type QueueInfo } from './queue.js';
import { Notice } from './notice.js';
import type { RoutingHints } from '../shared/bridge.js';
import { CallController } from './call.js';
import { CallSnapshots } from './call-snapshot.js';
import { EarlierConversations } from './history.js';

export type Phase = 'starting' | 'ready' | 'error';

/**
 * The chat's behaviour: session, conversation lifecycle, sending, receipts, typing and CSAT.
 * It owns no DOM; the view reads its fields and calls its methods, and `onChange` tells the
 * view to redraw. All realtime traffic goes through the SDK's Connection, which handles
 * reconnects and resumes each subscription from the last seq it delivered; the current
 * conversation is the SDK's `Conversation` (its events, receipts owed, typing both ways).
 */
export class ChatController {
  phase: Phase = 'starting';
  errorText: string | null = null;
  orgName: string | null = null;
  connection: ConnectionStatus = 'connecting';
  timeline = new Timeline();
  conversationId: string | null = null;
  /** Place in line, estimated wait and whether the team is closed; null until the first push. */
  queue: QueueInfo | null = null;
  readonly offline: OfflineMessage;
  /** Entry point and designated agent for the next conversation this visitor starts. */
  routing: RoutingHints = {};
  /** A transient problem to show above the composer (upload refused, rate limited, ...). */
  readonly notice: Notice;
  csatSubmitting = false;
  /** Video and voice calls with the agent of this conversation. */
  readonly call: CallController;
  /** HD snapshots the agent asks of the visitor's camera during a video call. */
  readonly snapshots: CallSnapshots;
  /** A returning visitor's closed conversations, shown read-only above the current one. */
  readonly earlier: EarlierConversations;

  private conn: Connection | null = null;
  /** The SDK's model of the current conversation and of its call (null until one is open). */
  private conversation: Conversation | null = null;
  private conversationCall: Call | null = null;
  private connOff: Array<() => void> = [];
  private starting: Promise<string> | null = null;
  /** Events up to this seq were history when we subscribed: no host notifications for them. */
  private historyUpTo = 0;
  private visible = true;
  private receiptTimer: ReturnType<typeof setTimeout> | undefined;
  private authRetries = 0;
  private identity: BridgeIdentity | null = null;
  /** Files of attachments not yet stored, so a failed upload can be retried without re-picking. */
  private readonly files = new Map<string, { file: File; mime: string }>();
  /** The page the visitor is on (conversation start, leave-a-message). */
  pageUrl = '';
  /** Bumped by every start(); a slower, older start must not connect over a newer one. */
  private generation = 0;

  constructor(
    private readonly api: VisitorApi,
    private readonly host: HostBridge,
    private readonly t: Translate,
    private readonly lang: Language,
    private readonly onChange: () => void,
    private readonly channel: 'web' | 'h5' = 'web',
  ) {
    this.offline = new OfflineMessage(api, t, onChange);
    this.earlier = new EarlierConversations(api, onChange);
    this.notice = new Notice(onChange);
    this.call = new CallController({
      conn: () => this.conn,
      call: () => this.conversationCall,
      canCall: () => this.phase === 'ready' && this.timeline.status === 'assigned',
      notice: this.notice,
      t,
      onChange,
    });
    this.snapshots = new CallSnapshots({ api, local: () => this.call.local, cameraOff: () => this.call.ui.cameraOff, notice: this.notice, lang, onChange });
  }

  /** The agent is typing (the SDK's indicator, off by itself after a few seconds without news). */
  get agentTyping(): boolean {
    return this.conversation?.peerTyping ?? false;
  }

  /** Create the session, find a live conversation, connect. Safe to call again (identify). */
  async start(identity: BridgeIdentity | null, pageUrl: string): Promise<void> {
    this.identity = identity;
    this.pageUrl = pageUrl;
    const gen = ++this.generation;
    this.teardown();
    this.phase = 'starting';
    this.onChange();
    try {
      const session = await this.api.startSession({ identity, pageUrl, language: this.lang });
      const all = await this.api.conversations();
      const live = pickLiveConversation(all);
      if (gen !== this.generation) return;
      this.earlier.setFrom(all, live?.id ?? null);
      this.orgName = session.orgName;
      this.connect();
      if (live) this.openConversation(live);
      this.phase = 'ready';
      this.errorText = null;
    } catch (e) {
      if (gen !== this.generation) return;
      this.phase = 'error';
      this.errorText = e instanceof VisavisError && e.code === 'UNKNOWN_SITE' ? this.t('errorUnknownSite') : this.t('errorSession');
      console.warn('[visavis] could not start the chat', e);
    }
    this.onChange();
  }

  retryStart(): void {
    void this.start(this.identity, this.pageUrl);
  }

  /** Whether the visitor can see the conversation right now (drives read receipts). */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.scheduleReceipts();
    this.reportUnread();
  }

  // ---- sending -------------------------------------------------------------------------

  sendText(raw: string): boolean {
    const text = raw.trim();
    if (!text) return false;
    if (text.length > LIMITS.textMessageChars) {
      this.notice.show(this.t('messageTooLong', { max: LIMITS.textMessageChars }));
      return false;
    }
    const clientMsgId = newClientMsgId();
    this.timeline.addPending({ clientMsgId, text });
    this.conversation?.typing(false);
    this.onChange();
    void this.deliver(clientMsgId, text, undefined);
    return true;
  }

  sendFile(file: File): void {
    const problem = checkUpload(file);
    if (problem) {
      this.notice.show(describeUploadProblem(problem, this.t));
      return;
    }
    const mime = effectiveMime(file);
    const clientMsgId = newClientMsgId();
    const image = isImageMime(mime);
    const preview = image && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : undefined;
    this.timeline.addPending({
      clientMsgId,
      text: '',
      kind: image ? 'image' : 'file',
      attachment: { blobId: '', name: file.name, mime, size: file.size },
      ...(preview ? { localPreviewUrl: preview } : {}),
    });
    this.files.set(clientMsgId, { file, mime });
    this.onChange();
    void this.deliver(clientMsgId, '', undefined);
  }

  /** Resend a failed message with the same clientMsgId: the server stores it at most once. */
  retry(clientMsgId: string): void {
    const item = this.timeline.findByClientMsgId(clientMsgId);
    if (!item || item.state !== 'failed') return;
    this.timeline.setPendingState(clientMsgId, 'pending');
    this.onChange();
    // Failed in this conversation: the SDK sends it again, uploading first if that had failed.
    if (this.conversation?.retry(clientMsgId)) return;
    const blobId = item.attachment?.blobId;
    if (item.kind !== 'text' && !blobId && !this.files.has(clientMsgId)) {
      this.timeline.setPendingState(clientMsgId, 'failed');
      return;
    }
    void this.deliver(clientMsgId, item.text, blobId || undefined);
  }

  /** The visitor typed; `hasText` false means the box was emptied. */
  onInput(hasText: boolean): void {
    if (!this.conversation || this.timeline.status === 'closed') return;
    this.conversation.typing(hasText);
  }

  async submitCsat(score: number, comment: string): Promise<void> {
    const conversationId = this.conversationId;
    if (!conversationId || !this.conn || this.csatSubmitting) return;
    this.csatSubmitting = true;
    this.onChange();
    try {
      await this.conn.request({ type: 'csat.submit', conversationId, score, comment: comment.slice(0, LIMITS.csatCommentChars) });
      this.timeline.csatScore = score;
    } catch (e) {
      if (e instanceof VisavisError && e.code === 'CSAT_ALREADY_SUBMITTED') this.timeline.csatScore ??= score;
      else this.notice.show(describeFailure(e, this.t, 'send'));
    }
    this.csatSubmitting = false;
    this.onChange();
  }

  /** Leave the closed conversation behind; the next message starts a new one. */
  newConversation(): void {
    this.resetConversation();
    // The conversation just left behind joins the earlier ones.
    void this.earlier.refresh(null);
    this.onChange();
  }

  private resetConversation(): void {
    this.call.reset();
    this.closeConversation();
    this.timeline = new Timeline();
    this.queue = null;
    this.offline.reset();
    this.historyUpTo = 0;
  }

  /** Lets go of the current conversation's subscription, listeners and timers. */
  private closeConversation(): void {
    clearTimeout(this.receiptTimer);
    this.conversationCall?.close();
    this.conversationCall = null;
    this.conversation?.close();
    this.conversation = null;
    this.conversationId = null;
  }

  async endConversation(): Promise<void> {
    if (!this.conversationId || !this.conn || this.timeline.status === 'closed') return;
    try {
      await this.conn.request({ type: 'conversation.close', conversationId: this.conversationId });
    } catch (e) {
      this.notice.show(describeFailure(e, this.t, 'other'));
    }
  }

  /** For browser tests (like the workspace's hook): drop the socket as a network blip would. */
  dropConnectionForTest(): void {
    this.conn?.dropForTest();
  }

  // ---- internals -----------------------------------------------------------------------

  private connect(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // The access token lives an hour: every (re)connect asks for a fresh one.
    const conn = new Connection({ url: `${proto}//${location.host}/ws`, token: this.api.token ?? '', getToken: () => this.api.freshToken() });
    this.conn = conn;
    this.connection = conn.status;
    this.connOff = [
      conn.on('status', (s) => {
        this.connection = s;
        this.onChange();
      }),
      conn.on('ready', () => {
        this.authRetries = 0;
      }),
      conn.on('message', (msg) => this.onServerMessage(msg)),
    ];
  }

  private teardown(): void {
    for (const off of this.connOff) off();
    this.connOff = [];
    this.conn?.close();
    this.conn = null;
    this.starting = null;
    this.resetConversation();
    this.earlier.reset();
  }

  private openConversation(summary: ConversationSummary): void {
    const conn = this.conn;
    if (!conn) return;
    this.conversationId = summary.id;
    this.historyUpTo = summary.lastSeq;
    if (summary.csatScore !== null) this.timeline.csatScore = summary.csatScore;
    // The widget has always given a lost "stopped" from the agent 8 s.
    const conversation = new Conversation(conn, summary.id, { me: 'visitor', typing: { peerTtlMs: 8000 } });
    this.conversation = conversation;
    // The call first: it folds each event before onEvent reads it.
    const call = new Call(conversation, conn, 'visitor');
    this.conversationCall = call;
    call.on('join', (info) => this.call.join(info));
    call.on('recording', () => this.onChange());
    conversation.on('event', (ev) => this.onEvent(ev));
    conversation.on('peer-typing', () => this.onChange());
    conversation.on('failed', ({ clientMsgId, error }) => this.onSendFailed(clientMsgId, error));
  }

  /** The conversation to send into, started on first use (one start even for parallel sends). */
  private ensureConversation(): Promise<string> {
    if (this.conversationId && this.timeline.status !== 'closed') return Promise.resolve(this.conversationId);
    if (this.starting) return this.starting;
    const conn = this.conn;
    if (!conn) return Promise.reject(new VisavisError('DISCONNECTED', 'not connected'));
    this.starting = conn
      .request<{ conversation: ConversationSummary }>({
        type: 'conversation.start',
        language: this.lang,
        channel: this.channel,
        ...(this.routing.entryPoint ? { entryPoint: this.routing.entryPoint } : {}),
        ...(this.routing.agent ? { designatedAgentId: this.routing.agent } : {}),
        ...(this.pageUrl ? { pageUrl: this.pageUrl.slice(0, LIMITS.urlChars) } : {}),
      })
      .then(({ conversation }) => {
        if (this.conversationId !== conversation.id) {
          if (this.conversationId) this.newConversationKeepingPending();
          this.openConversation(conversation);
          this.host.emit('conversation.started', { conversationId: conversation.id });
        }
        return conversation.id;
      })
      .finally(() => {
        this.starting = null;
      });
    return this.starting;
  }

  /** Switch timelines but keep the visitor's unsent messages (they go to the new conversation). */
  private newConversationKeepingPending(): void {
    const pending = this.timeline.pendingItems();
    this.call.reset();
    this.closeConversation();
    this.timeline = new Timeline(pending);
    void this.earlier.refresh(null);
  }

  /**
   * Sends a message the visitor sees pending, into the conversation (started on first use): the
   * SDK's Conversation uploads its file first (if any), applies the ack's event, and says when it
   * failed (`onSendFailed`); the message keeps its clientMsgId whichever conversation it goes to.
   */
  private async deliver(clientMsgId: string, text: string, blobId: string | undefined): Promise<void> {
    let conversation: Conversation;
    try {
      await this.ensureConversation();
      if (!this.conversation) throw new VisavisError('DISCONNECTED', 'not connected');
      conversation = this.conversation;
    } catch (e) {
      this.onSendFailed(clientMsgId, e);
      return;
    }
    const local = this.files.get(clientMsgId);
    const upload = local && !blobId
      ? async () => {
          const attachment = await this.api.upload(conversation.id, local.file, local.mime);
          this.timeline.setPendingAttachment(clientMsgId, attachment);
          this.files.delete(clientMsgId);
          return attachment.blobId;
        }
      : undefined;
    conversation.send(text, { clientMsgId, ...(blobId ? { blobId } : {}), ...(upload ? { upload } : {}) });
  }

  /** A message could not be sent (or its file stored): it stays, failed, for Retry. */
  private onSendFailed(clientMsgId: string, e: unknown): void {
    this.timeline.setPendingState(clientMsgId, 'failed');
    this.notice.show(describeFailure(e, this.t, this.files.has(clientMsgId) ? 'upload' : 'other'));
    this.onChange();
  }

  private onEvent(ev: SequencedEvent): void {
    if (ev.conversationId !== this.conversationId) return;
    const wasClosed = this.timeline.status === 'closed';
    if (!this.timeline.apply(ev)) return;
    const e = ev.event;
    this.call.onTimeline();
    const live = ev.seq > this.historyUpTo;
    if (e.type === 'message' && e.author.kind === 'agent') {
      if (live) {
        this.host.emit('message.received', {
          conversationId: ev.conversationId,
          seq: ev.seq,
          kind: e.kind,
          text: e.text,
          authorName: e.author.name,
        });
      }
    }
    if (e.type === 'conversation.assigned' || e.type === 'conversation.closed') this.queue = null;
    if (e.type === 'conversation.closed') {
      if (!wasClosed && live) this.host.emit('conversation.ended', { conversationId: ev.conversationId, by: e.by });
    }
    this.scheduleReceipts();
    this.reportUnread();
    this.onChange();
  }

  private onServerMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'call.snapshot_request':
        if (this.call.live?.callId === msg.callId) this.snapshots.onRequest(msg.callId, msg.requestId);
        return;
      case 'queue.position':
        if (msg.conversationId !== this.conversationId || this.timeline.status === 'assigned') return;
        this.queue = { position: msg.position, etaSeconds: msg.etaSeconds, closed: msg.closed };
        this.onChange();
        return;
      case 'error':
        // An error without rid on an unauthenticated socket means our token was refused: renew it
        // (the SDK then reconnects with the new one), or, when the session is over (revoked,
        // idle), start a fresh one rather than reconnecting with the same token forever.
        if (!msg.rid && (msg.code === 'INVALID_TOKEN' || msg.code === 'UNAUTHENTICATED') && this.authRetries < 2) {
          this.authRetries++;
          void this.api.renew().then((renewed) => {
            if (renewed) return;
            this.api.dropToken();
            return this.start(this.identity, this.pageUrl);
          });
        }
        return;
      default:
        return;
    }
  }

  /** Send read receipts while visible, delivered ones while hidden; batched a little. */
  private scheduleReceipts(): void {
    clearTimeout(this.receiptTimer);
    this.receiptTimer = setTimeout(() => this.sendReceipts(), 300);
  }

  private sendReceipts(): void {
    const conversation = this.conversation;
    if (!conversation || conversation.closed) return;
    const mark = this.isSeen() ? conversation.markRead() : conversation.markDelivered();
    if (mark?.state === 'read') this.host.unread(0);
  }

  /** The visitor can see the conversation: panel open (or full page) and the tab in front. */
  private isSeen(): boolean {
    return this.visible && (typeof document === 'undefined' || document.visibilityState !== 'hidden');
  }

  private reportUnread(): void {
    this.host.unread(this.isSeen() ? 0 : this.timeline.unreadCount());
  }
}

import { VisavisError, newClientMsgId, type Connection } from '@visavis/client';
import { ALLOWED_UPLOAD_TYPES, LIMITS, type SequencedEvent } from '@visavis/protocol';
import { api } from '../api.js';
import {
  addPending,
  removePending,
  updatePending,
  type PendingMessage,
  type Timeline,
} from '../lib/timeline.js';

type Command = Parameters<Connection['request']>[0];

export interface OutboxDeps {
  request: (cmd: Command) => Promise<unknown>;
  getTimeline: (conversationId: string) => Timeline;
  setTimeline: (conversationId: string, tl: Timeline) => void;
  /** The ack of message.send carries the stored event; showing it at once saves a round trip. */
  onServerEvent: (ev: SequencedEvent) => void;
  stopTyping: (conversationId: string) => void;
}

/** Why a file is refused before upload, as a dictionary key (the server checks again). */
export type FileProblem = 'chat.fileTooLarge' | 'chat.fileType' | null;

export function checkFile(file: { size: number; type: string }): FileProblem {
  if (!ALLOWED_UPLOAD_TYPES.includes(file.type)) return 'chat.fileType';
  if (file.size > LIMITS.uploadBytes) return 'chat.fileTooLarge';
  return null;
}

export function isImageType(mime: string): boolean {
  return (LIMITS.imageTypes as readonly string[]).includes(mime);
}

function codeOf(e: unknown): string {
  return e instanceof VisavisError ? e.code : 'INTERNAL';
}

/**
 * The agent's outgoing messages. Each gets a client message id before anything is sent, is
 * shown at once as pending, and is replaced by the server's event carrying the same id. Retries
 * reuse the id, so the server stores the message once however many times it is sent.
 */
export class Outbox {
  private readonly files = new Map<string, File>();
  private readonly previews = new Map<string, string>();

  constructor(private readonly deps: OutboxDeps) {}

  private update(conversationId: string, fn: (tl: Timeline) => Timeline): void {
    const before = this.deps.getTimeline(conversationId);
    const after = fn(before);
    if (after !== before) this.deps.setTimeline(conversationId, after);
  }

  sendText(conversationId: string, text: string): void {
    const body = text.trim();
    if (!body || body.length > LIMITS.textMessageChars) return;
    const p: PendingMessage = {
      clientMsgId: newClientMsgId(),
      text: body,
      createdAt: new Date().toISOString(),
      state: 'sending',
    };
    this.update(conversationId, (tl) => addPending(tl, p));
    this.deps.stopTyping(conversationId);
    void this.transmit(conversationId, p);
  }

  sendFile(conversationId: string, file: File): FileProblem {
    const problem = checkFile(file);
    if (problem) return problem;
    const clientMsgId = newClientMsgId();
    let previewUrl: string | undefined;
    if (isImageType(file.type) && typeof URL.createObjectURL === 'function') {
      previewUrl = URL.createObjectURL(file);
      this.previews.set(clientMsgId, previewUrl);
    }
    this.files.set(clientMsgId, file);
    const p: PendingMessage = {
      clientMsgId,
      text: '',
      createdAt: new Date().toISOString(),
      state: 'uploading',
      file: { name: file.name, mime: file.type, size: file.size, ...(previewUrl ? { previewUrl } : {}) },
    };
    this.update(conversationId, (tl) => addPending(tl, p));
    void this.transmit(conversationId, p);
    return null;
  }

  retry(conversationId: string, clientMsgId: string): void {
    const p = this.deps.getTimeline(conversationId).pending.find((x) => x.clientMsgId === clientMsgId);
    if (!p || p.state !== 'failed') return;
    const state = p.file && !p.blobId ? 'uploading' : 'sending';
    this.update(conversationId, (tl) => updatePending(tl, clientMsgId, { state, error: undefined }));
    void this.transmit(conversationId, { ...p, state });
  }

  discard(conversationId: string, clientMsgId: string): void {
    this.update(conversationId, (tl) => removePending(tl, clientMsgId));
    this.forget(clientMsgId);
  }

  dispose(): void {
    for (const url of this.previews.values()) URL.revokeObjectURL(url);
    this.previews.clear();
    this.files.clear();
  }

  private forget(clientMsgId: string): void {
    const url = this.previews.get(clientMsgId);
    if (url) URL.revokeObjectURL(url);
    this.previews.delete(clientMsgId);
    this.files.delete(clientMsgId);
  }

  private async transmit(conversationId: string, p: PendingMessage): Promise<void> {
    const { clientMsgId } = p;
    let blobId = p.blobId;
    try {
      if (p.file && !blobId) {
        const file = this.files.get(clientMsgId);
        if (!file) throw new VisavisError('BAD_REQUEST', 'file no longer available');
        blobId = (await api.upload(conversationId, file)).attachment.blobId;
        this.update(conversationId, (tl) => updatePending(tl, clientMsgId, { blobId, state: 'sending' }));
      }
      const result = (await this.deps.request({
        type: 'message.send',
        conversationId,
        clientMsgId,
        text: p.text,
        ...(blobId ? { blobId } : {}),
      })) as { event?: SequencedEvent } | undefined;
      if (result?.event) this.deps.onServerEvent(result.event);
      // Keep the local preview until the server event (with its signed URL) has replaced it.
      this.files.delete(clientMsgId);
      const url = this.previews.get(clientMsgId);
      if (url) setTimeout(() => this.forget(clientMsgId), 30_000);
    } catch (e) {
      this.update(conversationId, (tl) =>
        updatePending(tl, clientMsgId, { state: 'failed', error: codeOf(e) }),
      );
    }
  }
}

import type { Conversation } from '@visavis/client';
import { ALLOWED_UPLOAD_TYPES, LIMITS } from '@visavis/protocol';
import { api } from '../api.js';

export interface OutboxDeps {
  /** The followed conversation to send into; null when it is not followed (then nothing is sent). */
  conversation: (conversationId: string) => Conversation | null;
  /** Stores a file of the conversation and answers its blobId (default: the HTTP upload). */
  upload?: (conversationId: string, file: File) => Promise<string>;
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

const upload = async (conversationId: string, file: File) => (await api.upload(conversationId, file)).attachment.blobId;

/**
 * The agent's outgoing messages, as the composer and the message list ask for them: the SDK's
 * `Conversation` shows each at once as pending, replaces it with the server's event carrying the
 * same clientMsgId and retries with the same id (stored once). Here: what the agent may send
 * (trimmed text within the limit, allowed files) and the local previews of images on their way.
 */
export class Outbox {
  private readonly previews = new Map<string, string>();

  constructor(private readonly deps: OutboxDeps) {}

  sendText(conversationId: string, text: string): void {
    const body = text.trim();
    if (!body || body.length > LIMITS.textMessageChars) return;
    this.deps.conversation(conversationId)?.send(body);
  }

  sendFile(conversationId: string, file: File): FileProblem {
    const problem = checkFile(file);
    if (problem) return problem;
    const conv = this.deps.conversation(conversationId);
    if (!conv) return null;
    const previewUrl =
      isImageType(file.type) && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : undefined;
    const store = this.deps.upload ?? upload;
    const clientMsgId = conv.send('', {
      upload: () => store(conversationId, file),
      file: { name: file.name, mime: file.type, size: file.size, ...(previewUrl ? { previewUrl } : {}) },
    });
    if (!previewUrl) return null;
    this.previews.set(clientMsgId, previewUrl);
    // Keep the local preview until the server event (with its signed URL) has replaced it.
    const off = conv.on('event', (ev) => {
      if (ev.event.type !== 'message' || ev.event.clientMsgId !== clientMsgId) return;
      off();
      setTimeout(() => this.forget(clientMsgId), 30_000);
    });
    return null;
  }

  retry(conversationId: string, clientMsgId: string): void {
    this.deps.conversation(conversationId)?.retry(clientMsgId);
  }

  discard(conversationId: string, clientMsgId: string): void {
    this.deps.conversation(conversationId)?.discard(clientMsgId);
    this.forget(clientMsgId);
  }

  dispose(): void {
    for (const url of this.previews.values()) URL.revokeObjectURL(url);
    this.previews.clear();
  }

  private forget(clientMsgId: string): void {
    const url = this.previews.get(clientMsgId);
    if (url) URL.revokeObjectURL(url);
    this.previews.delete(clientMsgId);
  }
}

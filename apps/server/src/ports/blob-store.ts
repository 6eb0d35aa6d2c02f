import type { Readable } from 'node:stream';

/** Where uploaded files live: a local directory by default, S3-compatible storage later. */
export interface BlobStore {
  /** Stores the stream under key; answers its size and SHA-256 (hex). */
  put(key: string, data: Readable, maxBytes: number): Promise<{ size: number; sha256: string }>;
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`blob exceeds ${maxBytes} bytes`);
  }
}

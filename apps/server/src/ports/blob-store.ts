import type { Readable } from 'node:stream';

/** Where uploaded files live: a local directory by default, S3-compatible storage later. */
export interface BlobStore {
  /** Stores the stream under key; answers its size and SHA-256 (hex). */
  put(key: string, data: Readable, maxBytes: number): Promise<{ size: number; sha256: string }>;
  /** The blob's bytes; with `range`, only bytes start..end (inclusive), for HTTP Range requests. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Removes the blob; deleting a missing key is not an error (retention may run twice). */
  delete(key: string): Promise<void>;
  /**
   * Removes writes that never finished (a process killed mid-upload) and were last touched before
   * `olderThan`; answers how many. A write still in progress is younger and is left alone.
   */
  removeIncomplete(olderThan: Date): Promise<number>;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`blob exceeds ${maxBytes} bytes`);
  }
}

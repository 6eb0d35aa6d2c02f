import type { ErrorCode } from '@visavis/protocol';

/**
 * A catalog code from the server, or one of the SDK's own: TIMEOUT (no answer in time),
 * DISCONNECTED (the connection was closed), NETWORK (the request never got an answer),
 * ABORTED (the caller's AbortSignal fired), CLOSED (an SDK object was used after its close()).
 */
export type VisavisErrorCode = ErrorCode | 'TIMEOUT' | 'DISCONNECTED' | 'NETWORK' | 'ABORTED' | 'CLOSED';

/** An error reported by the server, with its stable code from the protocol's catalog. */
export class VisavisError extends Error {
  constructor(
    readonly code: VisavisErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'VisavisError';
  }
}

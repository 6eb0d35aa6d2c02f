import type { ErrorCode } from '@visavis/protocol';

/** An error reported by the server, with its stable code from the protocol's catalog. */
export class VisavisError extends Error {
  constructor(
    readonly code: ErrorCode | 'TIMEOUT' | 'DISCONNECTED' | 'NETWORK',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'VisavisError';
  }
}

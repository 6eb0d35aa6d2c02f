import { ERROR_CATALOG, type ErrorBody, type ErrorCode } from '@visavis/protocol';
import { InvalidTransitionError } from '@visavis/domain';
import { ZodError } from 'zod';
import { BlobTooLargeError } from '../ports/blob-store.js';

/** The one error type services throw; transports turn it into a response with `toErrorBody`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_CATALOG[code].message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return ERROR_CATALOG[this.code].http;
  }
}

/** Any thrown value -> the error the client sees. Unknown errors become INTERNAL, unexplained. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof ZodError) {
    return new AppError(
      'VALIDATION_FAILED',
      undefined,
      e.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  if (e instanceof InvalidTransitionError) return new AppError('INVALID_TRANSITION', e.message);
  if (e instanceof BlobTooLargeError) return new AppError('PAYLOAD_TOO_LARGE');
  return new AppError('INTERNAL');
}

export function toErrorBody(e: AppError): ErrorBody {
  const body: ErrorBody = { code: e.code, message: e.message };
  if (e.details !== undefined) body.details = e.details;
  return body;
}

export const notFound = (what = 'Not found.') => new AppError('NOT_FOUND', what);
export const forbidden = () => new AppError('FORBIDDEN');

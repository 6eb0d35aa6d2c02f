/**
 * The one error catalog. Every failure a client can see has a stable code here, with the HTTP
 * status it maps to. Transports (HTTP and WebSocket) map errors in exactly one place each, using
 * this table; no handler invents its own status codes.
 */
export const ERROR_CATALOG = {
  BAD_REQUEST: { http: 400, message: 'The request is malformed.' },
  VALIDATION_FAILED: { http: 422, message: 'The request does not match the expected shape.' },
  MALFORMED_JSON: { http: 400, message: 'The message is not valid JSON.' },
  JSON_TOO_DEEP: { http: 400, message: 'The JSON document is nested too deeply.' },
  INVALID_TEXT: { http: 422, message: 'Text must not contain NUL characters or unpaired surrogates.' },
  UNKNOWN_MESSAGE_TYPE: { http: 400, message: 'Unknown message type.' },
  PAYLOAD_TOO_LARGE: { http: 413, message: 'The payload is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, message: 'This file type is not allowed.' },
  MALFORMED_MULTIPART: { http: 400, message: 'The upload is not a well-formed multipart/form-data body.' },
  MULTIPART_LIMIT_EXCEEDED: { http: 413, message: 'The upload form has too many parts or fields; send one file and at most a few small fields.' },
  QUOTA_EXCEEDED: { http: 429, message: 'The upload quota is used up; try again later.' },
  ATTACHMENT_EXPIRED: { http: 410, message: 'The file was deleted under the retention policy.' },
  UNAUTHENTICATED: { http: 401, message: 'Authentication is required.' },
  INVALID_CREDENTIALS: { http: 401, message: 'Wrong email or password.' },
  INVALID_TOKEN: { http: 401, message: 'The token is invalid or expired.' },
  INVALID_IDENTITY: { http: 401, message: 'The visitor identity signature does not verify.' },
  IDENTITY_EXPIRED: { http: 401, message: 'The signed visitor identity has expired (or is dated in the future); sign it again.' },
  IDENTITY_SCHEME_OUTDATED: { http: 401, message: 'This visitor identity uses the retired v1 signature; sign it with the v2 scheme (with ts).' },
  REFRESH_TOKEN_REUSED: { http: 401, message: 'This refresh token was already used; the visitor session has been ended.' },
  FORBIDDEN: { http: 403, message: 'You may not access this resource.' },
  NOT_FOUND: { http: 404, message: 'Not found.' },
  CONVERSATION_CLOSED: { http: 409, message: 'The conversation is closed.' },
  CONVERSATION_NOT_CLOSED: { http: 409, message: 'The conversation is still open.' },
  CSAT_ALREADY_SUBMITTED: { http: 409, message: 'A rating was already given.' },
  INVALID_TRANSITION: { http: 409, message: 'That change is not allowed in the current state.' },
  OFFER_NOT_RINGING: { http: 409, message: 'The offer was already answered, timed out or withdrawn.' },
  AGENT_UNAVAILABLE: { http: 409, message: 'That agent cannot take the conversation now (offline, away or at capacity).' },
  MEDIA_UNAVAILABLE: { http: 503, message: 'Video and audio calls are not available right now.' },
  CALL_NOT_POSSIBLE: { http: 409, message: 'A call cannot be started in this conversation now.' },
  CALL_IN_PROGRESS: { http: 409, message: 'This conversation already has a call.' },
  CALL_NOT_RINGING: { http: 409, message: 'The call is no longer ringing or live.' },
  RECORDING_UNAVAILABLE: { http: 503, message: 'This call must be recorded and recording cannot start now.' },
  RECORDING_NOTICE_REQUIRED: { http: 409, message: 'This call is recorded; the recording notice must be acknowledged first.' },
  MARK_OUTSIDE_RECORDING: { http: 409, message: 'Marks can only be set on a live recorded call, at a time within its recording.' },
  SNAPSHOT_NOT_REQUESTED: { http: 409, message: 'No snapshot was requested, or the request expired.' },
  RECORDING_DELETED: { http: 410, message: 'The recording was deleted under the retention policy.' },
  RANGE_NOT_SATISFIABLE: { http: 416, message: 'The requested byte range lies outside the file.' },
  INTEGRITY_CHECK_FAILED: { http: 409, message: 'A stored file no longer matches the hash recorded when it was stored.' },
  TOTP_REQUIRED: { http: 401, message: 'Enter the code from your authenticator app.' },
  TOTP_INVALID: { http: 401, message: 'The authenticator code is wrong or was already used.' },
  ACCOUNT_DEACTIVATED: { http: 403, message: 'This account is deactivated.' },
  LAST_ADMIN: { http: 409, message: 'The organisation must keep at least one active admin.' },
  EMAIL_IN_USE: { http: 409, message: 'That email is already in use.' },
  WEAK_PASSWORD: { http: 422, message: 'The password does not meet the password rules.' },
  RATE_LIMITED: { http: 429, message: 'Too many requests; try again later.' },
  TOO_MANY_SUBSCRIPTIONS: { http: 429, message: 'This connection follows too many conversations; unsubscribe from some first.' },
  TOO_MANY_CONNECTIONS: { http: 429, message: 'Too many open connections from this address.' },
  UNKNOWN_SITE: { http: 404, message: 'Unknown site key.' },
  INTERNAL: { http: 500, message: 'Internal error.' },
  UNAVAILABLE: { http: 503, message: 'The service is not ready.' },
  OVERLOADED: { http: 503, message: 'The server is busy; the request was not carried out. Retry after details.retryAfterMs.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The body of every error response, over HTTP and WebSocket alike. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

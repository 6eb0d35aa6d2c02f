import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, isErrorCode, type ErrorCode } from './errors.js';

/**
 * The catalog is a public contract: clients switch on these codes and expect these statuses.
 * Changing a row here is a breaking change of the API (docs/api.md), not a refactor.
 */
const STABLE: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 422,
  MALFORMED_JSON: 400,
  JSON_TOO_DEEP: 400,
  INVALID_TEXT: 422,
  UNKNOWN_MESSAGE_TYPE: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MALFORMED_MULTIPART: 400,
  MULTIPART_LIMIT_EXCEEDED: 413,
  QUOTA_EXCEEDED: 429,
  ATTACHMENT_EXPIRED: 410,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_TOKEN: 401,
  INVALID_IDENTITY: 401,
  IDENTITY_EXPIRED: 401,
  IDENTITY_SCHEME_OUTDATED: 401,
  REFRESH_TOKEN_REUSED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONVERSATION_CLOSED: 409,
  CONVERSATION_NOT_CLOSED: 409,
  CSAT_ALREADY_SUBMITTED: 409,
  INVALID_TRANSITION: 409,
  OFFER_NOT_RINGING: 409,
  AGENT_UNAVAILABLE: 409,
  MEDIA_UNAVAILABLE: 503,
  CALL_NOT_POSSIBLE: 409,
  CALL_IN_PROGRESS: 409,
  CALL_NOT_RINGING: 409,
  RECORDING_UNAVAILABLE: 503,
  RECORDING_NOTICE_REQUIRED: 409,
  MARK_OUTSIDE_RECORDING: 409,
  SNAPSHOT_NOT_REQUESTED: 409,
  RECORDING_DELETED: 410,
  RANGE_NOT_SATISFIABLE: 416,
  INTEGRITY_CHECK_FAILED: 409,
  TOTP_REQUIRED: 401,
  TOTP_INVALID: 401,
  ACCOUNT_DEACTIVATED: 403,
  LAST_ADMIN: 409,
  EMAIL_IN_USE: 409,
  WEAK_PASSWORD: 422,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  TOO_MANY_SUBSCRIPTIONS: 429,
  TOO_MANY_CONNECTIONS: 429,
  UNKNOWN_SITE: 404,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

describe('error catalog', () => {
  it('maps every code to its stable HTTP status', () => {
    const actual = Object.fromEntries(ERROR_CODES.map((c) => [c, ERROR_CATALOG[c].http]));
    expect(actual).toEqual(STABLE);
  });

  it.each(ERROR_CODES)('%s has an error status and a sentence for humans', (code) => {
    const { http, message } = ERROR_CATALOG[code];
    expect(Number.isInteger(http)).toBe(true);
    expect(http).toBeGreaterThanOrEqual(400);
    expect(http).toBeLessThan(600);
    expect(message.length).toBeGreaterThan(5);
    expect(message).toMatch(/^[A-Z].*\.$/);
  });

  it('uses SCREAMING_SNAKE_CASE codes, listed once each in ERROR_CODES', () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z_]*[A-Z]$/);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toEqual(Object.keys(ERROR_CATALOG));
  });

  it('keeps server-side failures (5xx) to INTERNAL and the unavailable ones', () => {
    expect(ERROR_CODES.filter((c) => ERROR_CATALOG[c].http >= 500).sort()).toEqual([
      'INTERNAL',
      'MEDIA_UNAVAILABLE',
      'OVERLOADED',
      'RECORDING_UNAVAILABLE',
      'UNAVAILABLE',
    ]);
  });

  it('does not leak internals in the generic INTERNAL message', () => {
    expect(ERROR_CATALOG.INTERNAL.message).not.toMatch(/stack|sql|exception/i);
  });
});

describe('isErrorCode', () => {
  it.each(ERROR_CODES)('recognises %s', (code) => expect(isErrorCode(code)).toBe(true));

  it.each([
    ['a lower-case code', 'not_found'],
    ['an SDK-only code', 'TIMEOUT'],
    ['an inherited property', 'toString'],
    ['the prototype key', '__proto__'],
    ['an empty string', ''],
    ['a number', 404],
    ['null', null],
    ['an object', { code: 'NOT_FOUND' }],
  ])('rejects %s', (_what, value) => expect(isErrorCode(value)).toBe(false));
});

/** Size limits shared by clients (to refuse early) and the server (to enforce). */
export const LIMITS = {
  textMessageChars: 4000,
  wsFrameBytes: 64 * 1024,
  uploadBytes: 10 * 1024 * 1024,
  imageTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  fileTypes: [
    'application/pdf',
    'text/plain',
    'application/zip',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
  csatCommentChars: 1000,
  nameChars: 120,
  urlChars: 2048,
  attributeCount: 30,
  attributeValueChars: 500,
  eventsPageSize: 500,
  /** Conversations one WebSocket may follow at once (beyond: TOO_MANY_SUBSCRIPTIONS). */
  wsSubscriptionsPerConnection: 200,
} as const;

export const ALLOWED_UPLOAD_TYPES: readonly string[] = [...LIMITS.imageTypes, ...LIMITS.fileTypes];

/**
 * The password rules, shown next to every password field and enforced by the server (accounts.ts).
 * Here (zod-free) so the workspace can show them without bundling the account schemas, whose
 * construction at load runs zod's eval probe, a CSP violation under `script-src 'self'`.
 */
export const PASSWORD_RULES = { minLength: 10, maxLength: 256 } as const;

/**
 * Call profiles: capture constraints and bitrate cap; the publisher sends simulcast below it.
 * Here (zod-free) because the widget bundles only this file of the protocol package.
 */
export const CALL_PROFILES: Record<'360p' | '720p' | '1080p', { width: number; height: number; frameRate: number; maxBitrate: number }> = {
  '360p': { width: 640, height: 360, frameRate: 30, maxBitrate: 800_000 },
  '720p': { width: 1280, height: 720, frameRate: 30, maxBitrate: 2_000_000 },
  '1080p': { width: 1920, height: 1080, frameRate: 30, maxBitrate: 4_000_000 },
};


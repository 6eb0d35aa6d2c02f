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
} as const;

export const ALLOWED_UPLOAD_TYPES: readonly string[] = [...LIMITS.imageTypes, ...LIMITS.fileTypes];

import { ALLOWED_UPLOAD_TYPES, LIMITS } from '@visavis/protocol';

/**
 * Client-side upload checks, so a visitor hears "too large" or "not allowed" at once instead
 * of after a long upload. The server enforces the same LIMITS; this is a courtesy, not security.
 */
const EXTENSION_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface FileLike {
  name: string;
  size: number;
  type: string;
}

/**
 * The MIME type to use for a file. Some mobile browsers and WebViews leave `type` empty for
 * Office documents, so the extension fills the gap; a declared type always wins.
 */
export function effectiveMime(file: FileLike): string {
  if (file.type) return file.type.toLowerCase();
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  return EXTENSION_TYPES[ext] ?? '';
}

export type UploadProblem = 'tooLarge' | 'typeNotAllowed' | 'empty';

export function checkUpload(file: FileLike): UploadProblem | null {
  if (file.size > LIMITS.uploadBytes) return 'tooLarge';
  if (!ALLOWED_UPLOAD_TYPES.includes(effectiveMime(file))) return 'typeNotAllowed';
  if (file.size === 0) return 'empty';
  return null;
}

export function isImageMime(mime: string): boolean {
  return (LIMITS.imageTypes as readonly string[]).includes(mime.toLowerCase());
}

/** The value of the file input's `accept` attribute. */
export const ACCEPT_ATTRIBUTE = [...ALLOWED_UPLOAD_TYPES, ...Object.keys(EXTENSION_TYPES).map((e) => `.${e}`)].join(',');

export const MAX_UPLOAD_MB = Math.round(LIMITS.uploadBytes / (1024 * 1024));

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

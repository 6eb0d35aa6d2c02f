/**
 * The name an uploaded file is shown and downloaded under. The name is the uploader's words, so
 * it must not be able to lie about what the file is: `invoice\u202Efdp.exe` shows as
 * "invoiceexe.pdf" in a bidi-aware UI while being an .exe. We drop every invisible or
 * direction-changing character, control characters and path separators, cap the length, and make
 * the extension agree with the checked media type.
 */

/** Extensions honest for each accepted media type; the first is appended when the name has none of them. */
const EXTENSIONS: Record<string, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'text', 'log', 'csv'],
  'application/zip': ['zip'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
};

/** Longest name kept, in code points (Attachment.name allows 255 UTF-16 units). */
export const FILE_NAME_MAX = 120;

// Bidi embeddings/overrides/isolates and marks (U+202A–E, U+2066–9, U+200E/F, U+061C), other
// invisible format characters (zero-width, word joiner, BOM, soft hyphen, interlinear annotation),
// C0/C1 controls, line/paragraph separators, and path separators.
const STRIPPED = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\uFFF9-\uFFFB\u0000-\u001F\u007F-\u009F\u2028\u2029/\\]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanFileName(raw: string, mime: string): string {
  let name = raw.slice(0, 4096).replace(LONE_SURROGATE, '').normalize('NFC').replace(STRIPPED, '');
  // Leading dots would make a hidden file on download; trailing dots and spaces are dropped by
  // Windows, which would change the extension the user sees.
  name = name.replace(/\s+/g, ' ').replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  const honest = EXTENSIONS[mime] ?? [];
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  let base = dot > 0 && honest.includes(ext) ? name.slice(0, dot) : name;
  const suffix = honest.length > 0 ? `.${honest.includes(ext) ? ext : honest[0]}` : '';
  if (!base) base = 'file';
  // Cut by code points so a surrogate pair is never split.
  const room = FILE_NAME_MAX - suffix.length;
  const points = Array.from(base);
  if (points.length > room) base = points.slice(0, room).join('').replace(/[\s.]+$/, '') || 'file';
  return base + suffix;
}

import { z } from 'zod';
import { JsonValue } from '../audit/index.js';

/** Fixed names at the root of every evidence package. */
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PUBLIC_KEY_FILE = 'public-key.pem';
export const MANIFEST_FORMAT = 'visavis-evidence/1';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ManifestFile = z.object({
  path: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  sha256: Sha256,
});
export type ManifestFile = z.infer<typeof ManifestFile>;

/**
 * manifest.json. Verification needs `format`, `signing` and `files`; the rest is the record of
 * the call for people reading the package. Everything in it is covered by the signature, which
 * is over the file's exact bytes (no re-serialization is involved on either side).
 */
export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  packageId: z.string().uuid(),
  createdAt: z.string(),
  createdBy: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  org: z.object({ id: z.string(), name: z.string() }),
  call: z.record(z.string(), JsonValue),
  conversation: z.record(z.string(), JsonValue),
  /** Every recording in the catalog, also those already deleted (with deletedAt); `path` when packaged. */
  recordings: z.array(z.record(z.string(), JsonValue)),
  /** The organisation's audit chain head when the package was made: an anchor outside the database. */
  auditHead: z.object({ seq: z.number().int().nonnegative(), hash: Sha256 }),
  signing: z.object({
    algorithm: z.literal('Ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    publicKeyFile: z.literal(PUBLIC_KEY_FILE),
    signatureFile: z.literal(SIGNATURE_FILE),
  }),
  /** Every file of the package except manifest.json and manifest.sig. */
  files: z.array(ManifestFile).min(1),
});
export type Manifest = z.infer<typeof Manifest>;

/**
 * What a media file is called inside the package: only the types the catalog accepts
 * (RegisterRecording); the media server's raw formats never reach it (post-processing converts).
 */
export function extensionFor(mime: string): string {
  const base = mime.split(';')[0]!.trim().toLowerCase();
  const known: Record<string, string> = {
    'video/webm': 'webm',
    'audio/webm': 'weba',
    'video/mp4': 'mp4',
    'audio/mp4': 'm4a',
    'video/x-matroska': 'mkv',
    'audio/ogg': 'ogg',
    'audio/opus': 'opus',
    'audio/wav': 'wav',
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
  };
  return known[base] ?? 'bin';
}

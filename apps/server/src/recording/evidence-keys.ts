import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import type { SqlExecutor } from '../ports/database.js';
import { SettingsStore } from '../identity/index.js';

/** The server's Ed25519 key that signs evidence manifests. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** SHA-256 (hex) of the public key's DER (SubjectPublicKeyInfo): what people compare. */
  fingerprint: string;
  /** The first 16 hex digits of the fingerprint, written into manifests. */
  keyId: string;
}

export function fingerprintOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
  return key;
}

function fromPrivatePem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the evidence signing key is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const fingerprint = fingerprintOf(publicKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint,
    keyId: fingerprint.slice(0, 16),
  };
}

const newPrivatePem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * Loads (or creates on first use) the signing key. With a key file, the key never enters the
 * database; the file is created 0600 and refused when group or others can read it. Without one,
 * the key lives in the settings table, so every node of a cluster signs with the same key (the
 * first node to start creates it).
 */
export async function loadSigningKey(db: SqlExecutor, keyFile: string | undefined): Promise<SigningKey> {
  if (!keyFile) {
    return fromPrivatePem(await SettingsStore.getOrInit(db, 'evidence_signing_key', newPrivatePem()));
  }
  try {
    // 'wx': create only if absent, so a second node never overwrites a key already in use.
    const fh = await open(keyFile, 'wx', 0o600);
    await fh.writeFile(newPrivatePem());
    await fh.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const { mode } = await stat(keyFile);
  if ((mode & 0o077) !== 0) {
    throw new Error(`EVIDENCE_KEY_FILE ${keyFile} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  }
  return fromPrivatePem(await readFile(keyFile, 'utf8'));
}

/** Ed25519 signs the exact bytes of the manifest; the signature travels base64 in manifest.sig. */
export function signManifest(key: SigningKey, manifest: Buffer): string {
  return sign(null, manifest, key.privateKey).toString('base64');
}

export function verifyManifest(publicKey: KeyObject, manifest: Buffer, signatureB64: string): boolean {
  const sig = Buffer.from(signatureB64.trim(), 'base64');
  if (sig.length !== 64) return false;
  try {
    return verify(null, manifest, publicKey, sig);
  } catch {
    return false;
  }
}

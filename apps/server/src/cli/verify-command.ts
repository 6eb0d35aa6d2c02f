import { readFile, stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { publicKeyFromPem, openPackage, verifyPackage, type PackageReport } from '../recording/index.js';
import { EXIT, UsageError, type Output } from './output.js';

export const VERIFY_USAGE = `visavis verify <package> [--public-key <file.pem>] [--json]

  Checks an evidence package (the .tar the server made, or the directory it was extracted to):
  the Ed25519 signature over manifest.json, and every file's size and SHA-256; names every
  altered, missing or extra file. Without --public-key the package's own public-key.pem is
  used: compare the printed fingerprint with GET /api/compliance/public-key.

  Exit status: 0 verified, 1 verification failed, 2 usage error.`;

const LABEL: Record<string, string> = { ok: 'ok', altered: 'ALTERED', missing: 'MISSING', extra: 'EXTRA', not_a_file: 'NOT A FILE' };

function printReport(target: string, r: PackageReport, out: Output): void {
  out.log(`package:   ${target}`);
  const key = r.key
    ? `${r.key.fingerprint} (${r.key.pinned ? 'pinned with --public-key' : "the package's own key: compare with the server's"})`
    : 'none';
  out.log(`key:       ${key}`);
  out.log(`signature: ${r.signature}`);
  out.log(`manifest:  ${r.manifest}`);
  for (const f of r.files) out.log(`  ${LABEL[f.status]!.padEnd(10)} ${f.path}`);
  if (r.ok) out.log(`result:    OK, ${r.files.length} files verified`);
  else {
    out.log(`result:    FAILED`);
    for (const p of r.problems) out.log(`  - ${p}`);
  }
}

export async function verifyCommand(args: string[], out: Output): Promise<number> {
  let target: string | undefined;
  let keyFile: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--public-key') {
      keyFile = args[++i];
      if (!keyFile) throw new UsageError('--public-key needs a file');
    } else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') {
      out.log(VERIFY_USAGE);
      return EXIT.ok;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (target) throw new UsageError('verify takes one package');
    else target = a;
  }
  if (!target) throw new UsageError('verify needs a package: a .tar file or a directory');
  try {
    await stat(target);
  } catch {
    throw new UsageError(`${target} does not exist`);
  }
  let key: KeyObject | undefined;
  if (keyFile) {
    try {
      key = publicKeyFromPem(await readFile(keyFile, 'utf8'));
    } catch (e) {
      throw new UsageError(`cannot use ${keyFile} as the public key: ${(e as Error).message}`);
    }
  }
  let report: PackageReport;
  try {
    report = await verifyPackage(await openPackage(target), key);
  } catch (e) {
    // An unreadable archive (bad header, cut off) is a failed verification, not a usage error.
    out.error(`verification failed: ${(e as Error).message}`);
    return EXIT.failed;
  }
  if (json) out.log(JSON.stringify(report, null, 2));
  else printReport(target, report, out);
  return report.ok ? EXIT.ok : EXIT.failed;
}

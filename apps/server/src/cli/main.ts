import { pathToFileURL } from 'node:url';
import { AUDIT_USAGE, auditVerifyCommand } from './audit-command.js';
import { INIT_USAGE, initCommand } from './init-command.js';
import { consoleOutput, EXIT, UsageError, type Output } from './output.js';
import { VERIFY_USAGE, verifyCommand } from './verify-command.js';

const USAGE = `usage: npm run visavis -- <command> [arguments]

commands:
${INIT_USAGE}

${VERIFY_USAGE}

${AUDIT_USAGE}`;

/** Runs one command and answers its exit status; never throws (usage errors are 2). */
export async function run(argv: string[], out: Output = consoleOutput): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'init':
        return await initCommand(args, out);
      case 'verify':
        return await verifyCommand(args, out);
      case 'audit-verify':
        return await auditVerifyCommand(args, out);
      case 'help':
      case '--help':
      case '-h':
        out.log(USAGE);
        return EXIT.ok;
      default:
        throw new UsageError(command ? `unknown command ${command}` : 'no command given');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      out.error(`visavis: ${e.message}`);
      out.error(`usage: npm run visavis -- help`);
      return EXIT.usage;
    }
    out.error(`visavis: ${(e as Error).message}`);
    return EXIT.failed;
  }
}

// Entry point when run as a program (tsx apps/server/src/cli/main.ts ...), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}

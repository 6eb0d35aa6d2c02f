/** Exit statuses of every command: scripts and auditors' tooling rely on them. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in how the command was called: printed with the usage, exit status 2. */
export class UsageError extends Error {}

/** Where commands write; tests pass their own to capture it. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

export const consoleOutput: Output = {
  log: (line) => process.stdout.write(line + '\n'),
  error: (line) => process.stderr.write(line + '\n'),
};

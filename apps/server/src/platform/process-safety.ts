/**
 * Process-level safety nets (main.ts installs them before anything starts). Input is refused at
 * the boundaries; these catch what a bug lets through anyway:
 * - an unhandled promise rejection is logged with its context and the server keeps running
 *   (one failed background task must not drop every live chat and call);
 * - an uncaught exception leaves the process in an unknown state: it is logged, the embedded
 *   Janus is stopped (never orphaned), and the process exits non-zero so systemd restarts it.
 */
export interface ProcessSafetyDeps {
  /** The current logger (console until the server's own logger exists). */
  log: () => { error(o: object, m: string): void; fatal(o: object, m: string): void };
  /** Stops the embedded media server, if one runs. */
  stopMedia: () => Promise<void>;
  /** How long stopping media may take before the exit goes ahead anyway. */
  stopTimeoutMs?: number;
  exit?: (code: number) => void;
}

export function installProcessSafety(d: ProcessSafetyDeps): () => void {
  const exit = d.exit ?? ((code: number) => process.exit(code));
  let crashing = false;

  const onRejection = (reason: unknown) => {
    d.log().error({ err: reason }, 'unhandled promise rejection (the server keeps running)');
  };
  const onException = (err: Error, origin: string) => {
    if (crashing) return exit(1);
    crashing = true;
    d.log().fatal({ err, origin }, 'uncaught exception: stopping the embedded media server and exiting');
    const timer = setTimeout(() => exit(1), d.stopTimeoutMs ?? 5_000);
    timer.unref();
    void d
      .stopMedia()
      .catch((e: unknown) => d.log().error({ err: e }, 'stopping the media server failed'))
      .finally(() => {
        clearTimeout(timer);
        exit(1);
      });
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

/** A logger on stderr for the moments before the server's own logger exists. */
export const consoleLog = {
  error: (o: object, m: string) => console.error(m, o),
  fatal: (o: object, m: string) => console.error(m, o),
};

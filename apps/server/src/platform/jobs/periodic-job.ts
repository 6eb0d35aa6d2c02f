/**
 * A background sweep run every few seconds on each node: the timer does not keep the process
 * alive, and a failing pass is reported and retried on the next tick.
 */
export abstract class PeriodicJob {
  private timer: ReturnType<typeof setInterval> | undefined;

  protected constructor(protected readonly onError: (e: unknown) => void) {}

  abstract sweep(): Promise<number>;

  protected startEvery(everyMs: number): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.sweep().catch(this.onError), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

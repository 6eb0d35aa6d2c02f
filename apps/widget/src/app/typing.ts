/**
 * Throttles the visitor's typing signal: one `typing: true` when typing starts and again every
 * `refreshMs` while it goes on (so the agent's indicator, which expires, stays up), and one
 * `typing: false` after `idleMs` without keystrokes or when the message is sent.
 * Timers are injectable so the logic is unit-tested without waiting.
 */
export interface TypingClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Typing {
  private active = false;
  private lastSentAt = -Infinity;
  private idleTimer: unknown = null;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly refreshMs = 3000,
    private readonly idleMs = 4000,
    private readonly clock: TypingClock = realClock,
  ) {}

  keystroke(): void {
    const now = this.clock.now();
    if (!this.active || now - this.lastSentAt >= this.refreshMs) {
      this.active = true;
      this.lastSentAt = now;
      this.send(true);
    }
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = this.clock.setTimeout(() => this.stop(), this.idleMs);
  }

  /** Typing ended (sent, emptied, idle): tell the agent once. */
  stop(): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }

  /** Forget state without telling anyone (conversation closed or switched). */
  reset(): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.active = false;
  }
}

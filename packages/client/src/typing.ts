/**
 * Typing indicators for both UIs, both directions:
 * - `TypingSignal`: this side's own signal, throttled — one `typing: true` when typing starts and
 *   again every `refreshMs` while it goes on (the other side's indicator expires by itself, so the
 *   refresh keeps it up during a long reply), one `typing: false` after `idleMs` without a
 *   keystroke or when told to stop (sent, emptied, blurred);
 * - `PeerTyping`: the other side's indicator, which turns itself off `ttlMs` after the last
 *   `typing: true`, so a lost `typing: false` cannot leave it on forever.
 * Timers are injectable (`TypingClock`), so the rules are unit-tested without waiting.
 */
export interface TypingClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTypingClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Defaults both UIs used: refresh every 3 s, stop after 4 s idle; the peer's indicator lives 6 s. */
export const TYPING_REFRESH_MS = 3000;
export const TYPING_IDLE_MS = 4000;
export const PEER_TYPING_TTL_MS = 6000;

export interface TypingSignalOptions {
  refreshMs?: number;
  idleMs?: number;
  clock?: TypingClock;
}

export class TypingSignal {
  private active = false;
  private lastSentAt = -Infinity;
  private idleTimer: unknown = null;
  private readonly refreshMs: number;
  private readonly idleMs: number;
  private readonly clock: TypingClock;

  constructor(
    private readonly send: (typing: boolean) => void,
    opts: TypingSignalOptions = {},
  ) {
    this.refreshMs = opts.refreshMs ?? TYPING_REFRESH_MS;
    this.idleMs = opts.idleMs ?? TYPING_IDLE_MS;
    this.clock = opts.clock ?? realTypingClock;
  }

  /** Whether the other side was last told "typing". */
  get typing(): boolean {
    return this.active;
  }

  /** A keystroke: say "typing" now unless said within `refreshMs`; "stopped" after `idleMs` of quiet. */
  keystroke(): void {
    const now = this.clock.now();
    if (!this.active || now - this.lastSentAt >= this.refreshMs) {
      this.active = true;
      this.lastSentAt = now;
      this.send(true);
    }
    this.clearIdle();
    this.idleTimer = this.clock.setTimeout(() => this.stop(), this.idleMs);
  }

  /** Typing ended (sent, emptied, blurred, idle): tell the other side once, if it was told "typing". */
  stop(): void {
    this.clearIdle();
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }

  /** Forget the state without telling anyone (conversation closed or left). */
  reset(): void {
    this.clearIdle();
    this.active = false;
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/** The other side's typing indicator; `onChange` hears every change (on, off, expired). */
export class PeerTyping {
  private on = false;
  private timer: unknown = null;

  constructor(
    private readonly onChange: (typing: boolean) => void,
    private readonly ttlMs = PEER_TYPING_TTL_MS,
    private readonly clock: TypingClock = realTypingClock,
  ) {}

  get typing(): boolean {
    return this.on;
  }

  /** A `typing` push from the other side: on (again: the expiry starts over) or off. */
  set(typing: boolean): void {
    this.clearTimer();
    if (typing) this.timer = this.clock.setTimeout(() => this.set(false), this.ttlMs);
    if (typing === this.on) return;
    this.on = typing;
    this.onChange(typing);
  }

  /** Off without telling (the other side's message arrived, or the conversation was left). */
  reset(): void {
    this.clearTimer();
    this.on = false;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

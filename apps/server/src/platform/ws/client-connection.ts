import type { ServerMessage } from '@visavis/protocol';
import type { Principal } from '../../identity/index.js';
import type { Subscription } from './subscriptions.js';

export interface SocketLike {
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Bytes sent but not yet taken by the peer (the `ws` socket's `bufferedAmount`). */
  readonly bufferedAmount: number;
}

/** How much unread output one connection may hold on this server (see config WS_SEND_BUFFER_*). */
export interface FlowLimits {
  /** Above this many unread bytes the connection is fed no more history until it drains. */
  softBytes: number;
  /** Above this many unread bytes (live pushes keep coming) the connection is closed. */
  hardBytes: number;
  /** A replay that waits this long for the peer to read closes the connection instead. */
  drainTimeoutMs: number;
  /** History replays one connection runs at once; further ones wait for a free slot. */
  concurrentReplays: number;
}

export const DEFAULT_FLOW: FlowLimits = {
  softBytes: 1024 * 1024,
  hardBytes: 4 * 1024 * 1024,
  drainTimeoutMs: 30_000,
  concurrentReplays: 4,
};

/** Close code for a peer that does not read what it asked for; it resumes by seq on reconnect. */
export const SLOW_CONSUMER_CLOSE = { code: 4008, reason: 'slow consumer' } as const;

/** How often a waiting replay looks at the peer's backlog (ws has no per-message drain event). */
const DRAIN_POLL_MS = 20;

/**
 * One authenticated socket: what it follows, and the flow control that keeps a peer which stops
 * reading from growing this process's memory (its unread output is bounded by `hardBytes`).
 */
export class ClientConnection {
  readonly subs = new Map<string, Subscription>();
  private closed = false;
  private replaysRunning = 0;
  private readonly replayQueue: (() => void)[] = [];

  constructor(
    readonly id: number,
    readonly principal: Principal,
    private readonly socket: SocketLike,
    private readonly flow: FlowLimits = DEFAULT_FLOW,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  send(msg: ServerMessage): void {
    if (this.closed) return;
    this.socket.send(JSON.stringify(msg));
    if (this.socket.bufferedAmount > this.flow.hardBytes) this.close(SLOW_CONSUMER_CLOSE.code, SLOW_CONSUMER_CLOSE.reason);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.markClosed();
    this.socket.close(code, reason);
  }

  /** The socket is gone: stop every replay and send nothing more. */
  markClosed(): void {
    this.closed = true;
    for (const wake of this.replayQueue.splice(0)) wake();
  }

  /**
   * Resolves true once the peer's unread output is below the soft limit (at once, usually);
   * false if the connection closed meanwhile, or was closed here for not reading in time.
   */
  async drained(): Promise<boolean> {
    const deadline = Date.now() + this.flow.drainTimeoutMs;
    while (!this.closed && this.socket.bufferedAmount > this.flow.softBytes) {
      if (Date.now() >= deadline) {
        this.close(SLOW_CONSUMER_CLOSE.code, SLOW_CONSUMER_CLOSE.reason);
        return false;
      }
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
    return !this.closed;
  }

  /** Runs a replay once fewer than `concurrentReplays` of this connection are running. */
  async inReplaySlot(replay: () => Promise<void>): Promise<void> {
    while (this.replaysRunning >= this.flow.concurrentReplays && !this.closed) {
      await new Promise<void>((wake) => this.replayQueue.push(wake));
    }
    if (this.closed) return;
    this.replaysRunning++;
    try {
      await replay();
    } finally {
      this.replaysRunning--;
      this.replayQueue.shift()?.();
    }
  }
}

import type { SqlExecutor } from '../../ports/database.js';
import { DurableQueue } from './durable-queue.js';

/**
 * Commands: requests to do something, written in the requesting transaction and handled once by
 * the one module that owns the work, now or at `availableAt` (timers). Not facts: nobody else
 * listens, and they never reach a client or a webhook (domain events do: events.ts).
 */
export interface CommandTopics {
  /**
   * Route the queue again: the part an agent can serve (`agentId`, their wrap-up ended), one
   * group's (`groupId`, null = not targeted at a group yet), else the organisation's whole queue.
   */
  'routing.drain': { orgId: string; agentId?: string; groupId?: string | null };
  /** A ringing offer's time is up (scheduled at its expiry). */
  'routing.offer_timeout': { orgId: string; offerId: string };
  /** A waiting window or overflow of a queued conversation ends (scheduled). */
  'routing.recheck': { orgId: string; conversationId: string };
  /** A ringing call's time is up. */
  'call.ring_timeout': { orgId: string; callId: string };
  /** End a live call for a system reason (its conversation closed, ...). */
  'call.end': { orgId: string; callId: string; reason: 'conversation_closed' | 'peer_lost' | 'media_failed' | 'server_restart' };
  /** Finish a browser's chunked recording nobody finished (scheduled after the call's end). */
  'client_recording.finish': { orgId: string; callId: string; party: 'agent' | 'visitor' };
}
export type CommandTopic = keyof CommandTopics;

export const commandQueue = new DurableQueue('commands', true);

export const Commands = {
  /** Writes a command in the caller's transaction; `availableAt` schedules it for later. */
  async send<T extends CommandTopic>(tx: SqlExecutor, orgId: string, topic: T, payload: CommandTopics[T], availableAt?: Date): Promise<void> {
    await commandQueue.add(tx, orgId, topic, payload, availableAt);
  },
};

export type CommandHandlers = { [T in CommandTopic]: (payload: CommandTopics[T]) => Promise<void> };

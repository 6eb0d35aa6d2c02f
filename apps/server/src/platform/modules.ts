import type { LoadShedder } from './load-shedder.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import type { EventBus } from '../ports/event-bus.js';
import type { TokenSigner } from '../identity/index.js';
import { eventQueue, type EventListeners } from './events/domain-events.js';
import type { Lifecycle, LifecyclePart } from './lifecycle.js';
import { commandQueue, type CommandHandlers, type CommandTopic } from './outbox/commands.js';
import type { DispatchingDatabase } from './outbox/dispatching-database.js';
import { OutboxDispatcher } from './outbox/outbox-dispatcher.js';
import type { UnitOfWork } from './outbox/unit-of-work.js';

/**
 * The shared parts the composition root hands every module registration (`routingModule(platform,
 * …)`, …). A registration builds its module's services from these, registers what the module
 * reacts to (listeners, commands) and its background jobs, and returns the services other modules
 * and the transports use.
 */
export interface ModulePlatform {
  db: Database;
  uow: UnitOfWork;
  bus: EventBus;
  clock: Clock;
  blobs: BlobStore;
  /** Signs links and tokens with the server's one secret. */
  signer: TokenSigner;
  /** Background failures, to the log (the HTTP app's logger, once it exists). */
  reportError: (e: unknown, what?: string) => void;
  /** Figures worth an info line (timings of recordings and their post-processing). */
  logInfo: (what: string, details: Record<string, unknown>) => void;
  /** Domain-event listeners: each module registers its own; the event dispatcher delivers. */
  listeners: EventListeners;
  /** Command handlers: each topic has one owning module; the command dispatcher delivers. */
  commands: CommandTable;
  /** Whether the node takes more work; what waits for the database reports its wait here. */
  load: LoadShedder;
  /** Parts that must be closed when the server stops (in reverse registration order). */
  life: Lifecycle;
  /** Background jobs: started once the server listens, stopped before the transports close. */
  jobs: Lifecycle;
}

/** Every command topic, so that a topic nobody handles stops the start-up instead of retrying forever. */
const COMMAND_TOPICS: Record<CommandTopic, true> = {
  'routing.drain': true,
  'routing.offer_timeout': true,
  'routing.recheck': true,
  'call.ring_timeout': true,
  'call.end': true,
  'client_recording.finish': true,
};

/** Who handles each command topic: filled by the module registrations, read by the command dispatcher. */
export class CommandTable {
  private readonly handlers = new Map<CommandTopic, (payload: never) => Promise<void>>();

  handle<T extends CommandTopic>(topic: T, handler: CommandHandlers[T]): void {
    if (this.handlers.has(topic)) throw new Error(`command ${topic} has a handler already`);
    this.handlers.set(topic, handler);
  }

  /** Registers several handlers of one module at once. */
  handleAll(handlers: Partial<CommandHandlers>): void {
    for (const topic of Object.keys(handlers) as CommandTopic[]) this.handle(topic, handlers[topic]!);
  }

  /** Throws naming the topics no module handles (called once every module is registered). */
  assertComplete(): void {
    const missing = (Object.keys(COMMAND_TOPICS) as CommandTopic[]).filter((t) => !this.handlers.has(t));
    if (missing.length > 0) throw new Error(`no module handles the commands ${missing.join(', ')}`);
  }

  async run(topic: string, payload: unknown): Promise<void> {
    const handler = this.handlers.get(topic as CommandTopic) as ((p: unknown) => Promise<void>) | undefined;
    if (!handler) throw new Error(`no handler for command ${topic}`);
    await handler(payload);
  }
}

/** A job with start and stop as a lifecycle part (sweepers, dispatchers, retention, …). */
export function jobPart(name: string, job: { start(): void; stop(): void | Promise<void> }): LifecyclePart {
  return { name, start: () => job.start(), stop: () => job.stop() };
}

/**
 * The two dispatchers that deliver what commits wrote: commands to their handler, domain events
 * to every listener. A commit that wrote either queue kicks its dispatcher from now on; their
 * timers (retries, scheduled rows) are the returned parts, started with the other jobs.
 */
export function outboxDispatchers(
  db: DispatchingDatabase,
  p: Pick<ModulePlatform, 'clock' | 'listeners' | 'commands' | 'reportError'>,
): LifecyclePart[] {
  const commandDispatcher = new OutboxDispatcher(db, p.clock, commandQueue, (topic, payload) => p.commands.run(topic, payload),
    (e, topic) => p.reportError(e, `command ${topic} failed`));
  const eventDispatcher = new OutboxDispatcher(db, p.clock, eventQueue, (_type, event) => p.listeners.deliver(event),
    (e, topic) => p.reportError(e, `event ${topic}: a listener failed`));
  // An event type with no listener is not written (checked when emitted, so a listener a test
  // registers later is heard from then on).
  db.writeEventsOnlyFor((type) => p.listeners.has(type));
  db.onQueueWritten((tables) => {
    if (tables.has('outbox')) eventDispatcher.kick();
    if (tables.has('commands')) commandDispatcher.kick();
  });
  return [jobPart('command dispatcher', commandDispatcher), jobPart('event dispatcher', eventDispatcher)];
}

// Deliberately wrong: a feature module importing an adapter (only the composition root wires adapters).
import { MemoryEventBus } from '../adapters/memory/memory-event-bus.js';

export const direct = MemoryEventBus;

// Deliberately wrong: a calls file importing routing's store directly instead of routing's index.
// Linted as apps/server/src/calls/… by src/module-boundaries.unit.test.ts; ignored by the repo lint.
import { CapacityStore } from '../routing/capacity-store.js';

export const reachedInside = CapacityStore;

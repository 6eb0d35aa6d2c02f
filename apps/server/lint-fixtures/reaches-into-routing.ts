// Deliberately wrong: a calls file importing routing's capacity file directly instead of routing's index.
// Linted as apps/server/src/calls/… by src/module-boundaries.unit.test.ts; ignored by the repo lint.
import { Capacity } from '../routing/capacity.js';

export const reachedInside = Capacity;

// The right way for the same need: through routing's index.
import { CapacityStore } from '../routing/index.js';

export const throughIndex = CapacityStore;

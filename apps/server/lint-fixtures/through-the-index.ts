// The right way for the same need: through routing's index.
import { Capacity } from '../routing/index.js';

export const throughIndex = Capacity;

// Deliberately wrong: the pure routing core reading a file.
import { readFileSync } from 'node:fs';

export const io = readFileSync;

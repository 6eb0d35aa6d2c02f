export * from './audit-log.js';
export * from './canonical.js';

export * from './call-media.js';
export * from './call-service.js';
export * from './call-store.js';
export * from './call-wiring.js';
export * from './media-pool.js';
export * from './routes-snapshots.js';
export * from './snapshot-service.js';
export * from './turn.js';

export * from './connection.js';
export * from './emitter.js';
export * from './errors.js';
export * from './http.js';
export * from './ids.js';
export * from './reconnect.js';
export * from './call.js';
export * from './call-media.js';

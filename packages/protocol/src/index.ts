export * from './errors.js';
export * from './limits.js';
export * from './model.js';
export * from './ws.js';
export * from './http.js';
export * from './routing.js';
export * from './call.js';
export * from './recording.js';

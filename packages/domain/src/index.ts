export * from './conversation.js';
export * from './identity.js';
export * from './unread.js';
export * from './visitor-name.js';

export * from './conversation.js';
export * from './identity.js';
export * from './unread.js';

import type { Language } from '@visavis/protocol';

/**
 * The loader's few strings (launcher labels). Kept apart from the chat app's dictionaries so
 * the loader, which every page view of the host site downloads, stays a few kilobytes.
 */
const en = {
  open: 'Open chat',
  close: 'Close chat',
  unread: '{n} unread messages',
  frameTitle: 'Customer service chat',
};
export type LoaderStrings = typeof en;

export const LOADER_STRINGS: Record<Language, LoaderStrings> = {
  en,
  'zh-CN': { open: '打开在线客服', close: '关闭在线客服', unread: '{n} 条未读消息', frameTitle: '在线客服聊天' },
  'zh-TW': { open: '開啟線上客服', close: '關閉線上客服', unread: '{n} 則未讀訊息', frameTitle: '線上客服聊天' },
};

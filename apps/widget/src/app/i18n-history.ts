/**
 * Strings of the "Earlier conversations" section (a returning visitor's closed conversations,
 * read-only). Kept apart from i18n.ts like i18n-recording.ts and spread into its dictionaries,
 * so the key-parity test covers them. Plain text only (set with textContent).
 */
export const historyEn = {
  historyShow: 'Earlier conversations ({n})',
  historyHide: 'Hide earlier conversations',
  historyLoading: 'Loading…',
  historyFailed: 'Could not load this conversation. Tap to try again.',
  historyEmpty: 'No messages in this conversation.',
  historyReadOnly: 'Earlier conversation · read only',
};

export const historyZhCN: typeof historyEn = {
  historyShow: '以往的对话（{n}）',
  historyHide: '收起以往的对话',
  historyLoading: '正在加载…',
  historyFailed: '无法加载此对话，点按重试。',
  historyEmpty: '此对话没有消息。',
  historyReadOnly: '以往的对话 · 只读',
};

export const historyZhTW: typeof historyEn = {
  historyShow: '先前的對話（{n}）',
  historyHide: '收合先前的對話',
  historyLoading: '正在載入…',
  historyFailed: '無法載入此對話，點按重試。',
  historyEmpty: '此對話沒有訊息。',
  historyReadOnly: '先前的對話 · 唯讀',
};

import type { SiteDictionary } from './en.js';

/** 繁體中文：管理後台「網站與安全」頁。 */
export const zhTWSite: SiteDictionary = {
  'admin.tab.site': '網站與安全',
  'site.loading': '載入中…',
  'site.embedTitle': '嵌入聊天視窗',
  'site.siteKey': '網站金鑰',
  'site.secretTitle': '身分簽章金鑰',
  'site.secretHelp': '您的後端以此金鑰為已登入的訪客簽章（見 README「Identified visitors」）。只保存在伺服器上，切勿寫入網頁程式碼。',
  'site.secret': '金鑰',
  'site.reveal': '顯示',
  'site.secretShown': '已向您顯示；顯示與輪替金鑰都會記入稽核日誌。',
  'site.rotate': '輪替',
  'site.rotateConfirm': '要產生新的身分簽章金鑰嗎？過渡期結束後，以舊金鑰簽章的身分將失效。',
  'site.overlap': '舊金鑰繼續有效',
  'site.overlapNone': '不保留',
  'site.overlapHours': '{hours} 小時',
  'site.previousUntil': '舊金鑰在 {time} 之前仍然有效。',
  'site.originsTitle': '允許嵌入聊天視窗的網站',
  'site.originsHelp': '每行一個來源，例如 https://www.example.com。本伺服器（{origin}）一律允許；其他網站只有列在這裡才能顯示聊天視窗。',
  'site.originsInvalid': '每行必須是類似 https://www.example.com 的來源（協定、主機與可選連接埠，不含路徑）。',
  'site.save': '儲存',
  'site.saved': '已儲存',
};

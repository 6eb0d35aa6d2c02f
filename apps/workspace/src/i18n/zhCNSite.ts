import type { SiteDictionary } from './en.js';

/** 简体中文：管理后台“站点与安全”页。 */
export const zhCNSite: SiteDictionary = {
  'admin.tab.site': '站点与安全',
  'site.loading': '正在加载…',
  'site.embedTitle': '嵌入聊天窗口',
  'site.siteKey': '站点密钥',
  'site.secretTitle': '身份签名密钥',
  'site.secretHelp': '您的后端用此密钥为已登录访客签名（见 README“Identified visitors”）。只保存在服务器上，切勿写入网页代码。',
  'site.secret': '密钥',
  'site.reveal': '显示',
  'site.secretShown': '已向您显示；显示和轮换密钥都会记入审计日志。',
  'site.rotate': '轮换',
  'site.rotateConfirm': '要生成新的身份签名密钥吗？过渡期结束后，用旧密钥签名的身份将失效。',
  'site.overlap': '旧密钥继续有效',
  'site.overlapNone': '不保留',
  'site.overlapHours': '{hours} 小时',
  'site.previousUntil': '旧密钥在 {time} 之前仍然有效。',
  'site.originsTitle': '允许嵌入聊天窗口的网站',
  'site.originsHelp': '每行一个来源，例如 https://www.example.com。本服务器（{origin}）始终允许；其他网站只有列在这里才能显示聊天窗口。',
  'site.originsInvalid': '每行必须是类似 https://www.example.com 的来源（协议、主机和可选端口，不含路径）。',
  'site.save': '保存',
  'site.saved': '已保存',
};

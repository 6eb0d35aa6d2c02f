import type { Language } from '@visavis/protocol';

/**
 * Strings of the visitor's local recording (Replay / Save after a call the policy lets them
 * record). Kept apart from i18n.ts, which is long; same rules: English is the reference, every
 * language has the same keys and placeholders (i18n-local-recording.test.ts), plain text only.
 */
const en = {
  localRecTitle: 'Your recording of the call',
  localRecHint: 'Kept on this device only, until you close this page.',
  localRecInfo: '{duration} · {size} MB',
  localRecTruncated: 'The recording stopped early: the memory limit was reached.',
  localRecReplay: 'Replay',
  localRecSave: 'Save',
  localRecDiscard: 'Discard',
  localRecPlayer: 'Replay of your call',
  localRecClose: 'Close',
};
export type LocalRecordingKey = keyof typeof en;

const zhCN: Record<LocalRecordingKey, string> = {
  localRecTitle: '您的通话录像',
  localRecHint: '仅保存在本设备上，关闭此页面后即删除。',
  localRecInfo: '{duration} · {size} MB',
  localRecTruncated: '已达到内存上限，录像提前停止。',
  localRecReplay: '回放',
  localRecSave: '保存',
  localRecDiscard: '删除',
  localRecPlayer: '通话回放',
  localRecClose: '关闭',
};

const zhTW: Record<LocalRecordingKey, string> = {
  localRecTitle: '您的通話錄影',
  localRecHint: '僅儲存在本裝置上，關閉此頁面後即刪除。',
  localRecInfo: '{duration} · {size} MB',
  localRecTruncated: '已達記憶體上限，錄影提前停止。',
  localRecReplay: '重播',
  localRecSave: '儲存',
  localRecDiscard: '刪除',
  localRecPlayer: '通話重播',
  localRecClose: '關閉',
};

export const LOCAL_RECORDING_STRINGS: Record<Language, Record<LocalRecordingKey, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

export type LocalRecordingTranslate = (key: LocalRecordingKey, params?: Record<string, string | number>) => string;

export function localRecordingTranslator(lang: string): LocalRecordingTranslate {
  const dict = LOCAL_RECORDING_STRINGS[lang as Language] ?? en;
  return (key, params) =>
    (dict[key] ?? en[key]).replace(/\{(\w+)\}/g, (whole, name: string) => (params && Object.hasOwn(params, name) ? String(params[name]) : whole));
}

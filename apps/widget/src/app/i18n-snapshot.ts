import type { Language } from '@visavis/protocol';

/**
 * Strings of the HD snapshot (the agent asks the visitor's camera for a full-resolution still).
 * Kept apart from i18n.ts, which is long; same rules: English is the reference, every language
 * has the same keys and placeholders (i18n-snapshot.test.ts), substitution yields plain text.
 */
const en = {
  snapshotTaking: 'The agent is taking a photo…',
  snapshotSent: 'Snapshot sent to the agent',
  snapshotFailed: 'The snapshot could not be sent.',
  snapshotNoCamera: 'The agent asked for a snapshot, but your camera is off.',
  snapshotLine: 'Snapshot taken, {width}×{height}',
  snapshotAlt: 'Snapshot from your camera, {width}×{height}',
};
export type SnapshotKey = keyof typeof en;

const zhCN: Record<SnapshotKey, string> = {
  snapshotTaking: '客服正在拍照…',
  snapshotSent: '快照已发送给客服',
  snapshotFailed: '快照发送失败。',
  snapshotNoCamera: '客服请求拍摄快照，但您的摄像头已关闭。',
  snapshotLine: '已拍摄快照，{width}×{height}',
  snapshotAlt: '您摄像头的快照，{width}×{height}',
};

const zhTW: Record<SnapshotKey, string> = {
  snapshotTaking: '客服正在拍照…',
  snapshotSent: '快照已傳送給客服',
  snapshotFailed: '快照傳送失敗。',
  snapshotNoCamera: '客服請求拍攝快照，但您的鏡頭已關閉。',
  snapshotLine: '已拍攝快照，{width}×{height}',
  snapshotAlt: '您鏡頭的快照，{width}×{height}',
};

export const SNAPSHOT_STRINGS: Record<Language, Record<SnapshotKey, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

export type SnapshotTranslate = (key: SnapshotKey, params?: Record<string, string | number>) => string;

export function snapshotTranslator(lang: string): SnapshotTranslate {
  const dict = SNAPSHOT_STRINGS[lang as Language] ?? en;
  return (key, params) =>
    (dict[key] ?? en[key]).replace(/\{(\w+)\}/g, (whole, name: string) => (params && Object.hasOwn(params, name) ? String(params[name]) : whole));
}

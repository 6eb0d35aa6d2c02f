/**
 * Strings of recorded and dual-recording (雙錄) calls: the recording notice, the "recorded" line
 * and badge, "starting the recording", the paused overlay, the call's timeline line. Kept apart from
 * i18n.ts (which is long) and spread into its dictionaries, so `t()` and the key-parity test of
 * i18n.test.ts cover them like every other string. Plain text only (set with textContent).
 */
export const recordingEn = {
  recNoticeTitle: 'This call will be recorded',
  recNoticeBody:
    'To protect you and to meet regulatory requirements, this video call is recorded in sound and picture (dual recording). During the call the agent will read out some information you need to know before you decide.',
  recNoticeBodyVoice:
    'To protect you and to meet regulatory requirements, this voice call is recorded (dual recording). During the call the agent will read out some information you need to know before you decide.',
  recNoticeStorage:
    'The recording is stored securely, is kept only as long as the rules require, and is used only to show what was agreed. If you prefer not to be recorded, you can keep chatting by text.',
  recNoticeAgree: 'I agree',
  recNoticeAgreeAnswer: 'Agree and answer',
  recNoticeCancel: 'Cancel',
  recNoticeDecline: 'Decline',
  recRecordedLine: 'This call is recorded',
  recBadge: 'REC',
  recBadgeLabel: 'This call is being recorded',
  recStarting: 'Starting the recording…',
  recPaused: 'Recording interrupted — the call is paused until it resumes',
  recUnavailable: 'This call has to be recorded, and recording cannot start right now. Please try again later.',
  callRecordingFailed: 'The call was not connected: recording could not start',
  recLineRecorded: 'recorded',
  recLineFailed: 'recording failed',
};

export type RecordingKey = keyof typeof recordingEn;

export const recordingZhCN: Record<RecordingKey, string> = {
  recNoticeTitle: '本次通话将被录制',
  recNoticeBody: '为保障您的权益并符合监管要求，本次视频通话将同步录音录像（双录）。通话中客服会向您宣读您在做出决定前需要了解的信息。',
  recNoticeBodyVoice: '为保障您的权益并符合监管要求，本次语音通话将全程录音（双录）。通话中客服会向您宣读您在做出决定前需要了解的信息。',
  recNoticeStorage: '录像将被安全保存，仅在规定期限内保留，且仅用于证明双方确认的内容。如您不希望被录像，可以继续通过文字沟通。',
  recNoticeAgree: '我同意',
  recNoticeAgreeAnswer: '同意并接听',
  recNoticeCancel: '取消',
  recNoticeDecline: '拒绝',
  recRecordedLine: '本次通话将被录像',
  recBadge: 'REC',
  recBadgeLabel: '本次通话正在录像',
  recStarting: '正在启动录像…',
  recPaused: '录像中断，通话已暂停，录像恢复后继续',
  recUnavailable: '本次通话必须录像，但目前无法启动录像，请稍后再试。',
  callRecordingFailed: '录像无法启动，通话未接通',
  recLineRecorded: '已录像',
  recLineFailed: '录像失败',
};

export const recordingZhTW: Record<RecordingKey, string> = {
  recNoticeTitle: '本次通話將被錄製',
  recNoticeBody: '為保障您的權益並符合監管要求，本次視訊通話將同步錄音錄影（雙錄）。通話中客服會向您宣讀您在做出決定前需要了解的資訊。',
  recNoticeBodyVoice: '為保障您的權益並符合監管要求，本次語音通話將全程錄音（雙錄）。通話中客服會向您宣讀您在做出決定前需要了解的資訊。',
  recNoticeStorage: '錄影將被安全保存，僅在規定期限內保留，且僅用於證明雙方確認的內容。如您不希望被錄影，可以繼續透過文字溝通。',
  recNoticeAgree: '我同意',
  recNoticeAgreeAnswer: '同意並接聽',
  recNoticeCancel: '取消',
  recNoticeDecline: '拒絕',
  recRecordedLine: '本次通話將被錄影',
  recBadge: 'REC',
  recBadgeLabel: '本次通話正在錄影',
  recStarting: '正在啟動錄影…',
  recPaused: '錄影中斷，通話已暫停，錄影恢復後繼續',
  recUnavailable: '本次通話必須錄影，但目前無法啟動錄影，請稍後再試。',
  callRecordingFailed: '錄影無法啟動，通話未接通',
  recLineRecorded: '已錄影',
  recLineFailed: '錄影失敗',
};

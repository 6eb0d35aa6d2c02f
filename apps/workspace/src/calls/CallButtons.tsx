import { useState } from 'react';
import type { CallProfile, ConversationSummary } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { useWorkspace } from '../store/context.js';
import { PhoneIcon, VideoIcon } from '../components/Icons.js';
import { saveProfile, savedProfile, useCall, useCallStore } from './callStore.js';
import { callBlock, liveCall } from './state.js';

const PROFILES: CallProfile[] = ['360p', '720p', '1080p'];

/** A call error code as the agent reads it. */
export function callErrorText(
  code: string,
  t: (k: MessageKey, p?: Record<string, string>) => string,
): string {
  switch (code) {
    case 'MEDIA_UNAVAILABLE':
      return t('call.errorUnavailable');
    case 'CALL_IN_PROGRESS':
      return t('call.errorBusy');
    case 'CALL_NOT_POSSIBLE':
    case 'FORBIDDEN':
      return t('call.errorNotPossible');
    case 'CALL_NOT_RINGING':
      return t('call.errorOver');
    case 'NO_DEVICE':
      return t('call.errorDevice');
    case 'RECORDING_UNAVAILABLE':
      return t('call.errorRecording');
    default:
      return t('call.errorGeneric', { code });
  }
}

/**
 * Video / Voice buttons of the chat header and the profile to call with. Disabled (with the
 * reason as a tooltip) unless the conversation is assigned to me and no call rings or runs.
 */
export function CallButtons({ id, summary }: { id: string; summary: ConversationSummary | null }) {
  const { t } = useI18n();
  const state = useWorkspace();
  const calls = useCallStore();
  const snap = useCall();
  const [profile, setProfile] = useState<CallProfile>(savedProfile);
  const here = liveCall(id, state.timelines[id]);
  const block = callBlock(
    summary,
    state.me.id,
    here,
    snap.session !== null && snap.session.conversationId !== id,
  );
  const busy = snap.busy.includes(id);
  const disabled = block !== null || busy;
  const reason = block ? t(`call.block.${block}`) : undefined;
  return (
    <div className="call-buttons" data-testid="call-buttons" data-block={block ?? ''} title={reason}>
      <button
        type="button"
        className="btn btn-ghost call-start"
        data-testid="call-start-video"
        disabled={disabled}
        title={reason ?? t('call.videoTitle')}
        onClick={() => void calls.startCall(id, 'video', profile)}
      >
        <VideoIcon /> {t('call.video')}
      </button>
      <button
        type="button"
        className="btn btn-ghost call-start"
        data-testid="call-start-voice"
        disabled={disabled}
        title={reason ?? t('call.voiceTitle')}
        onClick={() => void calls.startCall(id, 'audio', profile)}
      >
        <PhoneIcon /> {t('call.voice')}
      </button>
      <select
        className="call-profile"
        data-testid="call-profile"
        value={profile}
        disabled={disabled}
        aria-label={t('call.profile')}
        title={reason ?? t('call.profile')}
        onChange={(e) => {
          const p = e.target.value as CallProfile;
          setProfile(p);
          saveProfile(p);
        }}
      >
        {PROFILES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </div>
  );
}

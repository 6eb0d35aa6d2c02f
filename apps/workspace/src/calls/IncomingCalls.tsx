import { useEffect, useMemo } from 'react';
import { useI18n } from '../i18n/react.js';
import { playChime } from '../lib/notify.js';
import { useNow, useWorkspace } from '../store/context.js';
import { visitorLabel } from '../lib/visitorName.js';
import { HangupIcon, PhoneIcon, VideoIcon } from '../components/Icons.js';
import { callErrorText } from './CallButtons.js';
import { useLiveCalls } from './CallPanel.js';
import { useCall, useCallStore } from './callStore.js';
import { incomingCalls, type LiveCall } from './state.js';
import { RecordedLine } from './RecordingSigns.js';

/**
 * Visitors calling me, as ringing cards at the top of the screen (like the routing offers):
 * who, video or voice, how long it has rung, Decline / Accept. Accepting opens the conversation
 * with the call panel. A chime repeats while any call rings.
 */
export function IncomingCalls({ onAccepted }: { onAccepted: (conversationId: string) => void }) {
  const { t } = useI18n();
  const state = useWorkspace();
  const calls = useLiveCalls();
  const ringing = useMemo(
    () => incomingCalls(calls, state.summaries, state.me.id),
    [calls, state.summaries, state.me.id],
  );
  const count = ringing.length;
  useEffect(() => {
    if (count === 0) return;
    playChime();
    const timer = setInterval(playChime, 2000);
    return () => clearInterval(timer);
  }, [count]);
  if (count === 0) return null;
  return (
    <div className="call-stack" role="region" aria-label={t('call.region')} aria-live="assertive">
      {ringing.map((c) => (
        <IncomingCard key={c.callId} call={c} onAccepted={onAccepted} />
      ))}
    </div>
  );
}

function IncomingCard({
  call,
  onAccepted,
}: {
  call: LiveCall;
  onAccepted: (conversationId: string) => void;
}) {
  const { t } = useI18n();
  const state = useWorkspace();
  const store = useCallStore();
  const snap = useCall();
  const now = useNow(1000);
  const s = state.summaries[call.conversationId];
  const name = s ? visitorLabel(s, t) : '…';
  const busy = snap.busy.includes(call.conversationId);
  // Already in another call: answering would leave it; the agent hangs up there first.
  const inCall = snap.session !== null;
  const error = snap.error?.conversationId === call.conversationId ? snap.error.code : null;
  const rang = Math.max(0, Math.floor((now - Date.parse(call.ringingAt)) / 1000));
  return (
    <article
      className="call-card"
      data-testid="call-incoming"
      data-call-id={call.callId}
      data-conversation-id={call.conversationId}
    >
      <span className="call-card-icon" aria-hidden="true">
        {call.media === 'video' ? <VideoIcon size={20} /> : <PhoneIcon size={20} />}
      </span>
      <div className="call-card-text">
        <span className="call-card-title">
          {t(call.media === 'video' ? 'call.incomingVideo' : 'call.incomingVoice')}
        </span>
        <strong className="call-card-name" data-testid="call-incoming-name">
          {name}
        </strong>
        <span className="call-card-meta">
          {call.media === 'video' ? `${call.profile} · ` : ''}
          {t('call.ringingFor', { s: rang })}
        </span>
        <RecordedLine call={call} />
        {error && (
          <span className="call-card-error" role="alert">
            {callErrorText(error, t)}
          </span>
        )}
        {inCall && !error && <span className="call-card-meta">{t('call.block.busy')}</span>}
      </div>
      <div className="call-card-actions">
        <button
          type="button"
          className="call-round call-round-end"
          data-testid="call-decline"
          disabled={busy}
          title={t('call.decline')}
          aria-label={t('call.decline')}
          onClick={() => void store.decline(call)}
        >
          <HangupIcon size={20} />
        </button>
        <button
          type="button"
          className="call-round call-round-ok"
          data-testid="call-accept"
          disabled={busy || inCall}
          title={t('call.accept')}
          aria-label={t('call.accept')}
          onClick={() => {
            onAccepted(call.conversationId);
            void store.accept(call);
          }}
        >
          <PhoneIcon size={20} />
        </button>
      </div>
    </article>
  );
}

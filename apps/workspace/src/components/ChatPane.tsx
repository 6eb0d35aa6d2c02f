import { useState } from 'react';
import { VisavisError } from '@visavis/client';
import { useI18n } from '../i18n/react.js';
import { WAIT_WARN_MS, formatWait } from '../lib/format.js';
import { emptyTimeline, waitingSince } from '../lib/timeline.js';
import { useNow, useStore, useWorkspace } from '../store/context.js';
import { summaryOf } from '../store/state.js';
import { Composer } from './Composer.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { visitorLabel } from '../lib/visitorName.js';
import { MessageList } from './MessageList.js';
import { ChatIcon, ClockIcon, TransferIcon } from './Icons.js';
import { TransferDialog } from './TransferDialog.js';
import { CallButtons } from '../calls/CallButtons.js';
import { CallPanel } from '../calls/CallPanel.js';
import { RecordingsButton } from '../recordings/RecordingsDialog.js';

interface Props {
  onBack: () => void;
  onShowVisitor: () => void;
}

export function ChatPane({ onBack, onShowVisitor }: Props) {
  const { t } = useI18n();
  const store = useStore();
  const state = useWorkspace();
  const now = useNow(1000);
  const [confirming, setConfirming] = useState(false);
  const [closeError, setCloseError] = useState<string | null>(null);
  const [transferring, setTransferring] = useState(false);
  const id = state.selectedId;
  const s = id ? summaryOf(state, id) : null;

  if (!id) {
    return (
      <section className="col col-chat empty-chat">
        <div className="empty-state">
          <div className="empty-icon">
            <ChatIcon />
          </div>
          <h2>{t('chat.empty')}</h2>
          <p>{t('chat.emptyHint')}</p>
        </div>
      </section>
    );
  }

  const tl = state.timelines[id] ?? emptyTimeline();
  const name = s ? visitorLabel(s, t) : '…';
  const closed = s?.status === 'closed';
  const since = !closed ? waitingSince(tl) : null;
  const waitMs = since ? now - Date.parse(since) : null;
  const typing = state.typing[id] === true;
  const waitText = waitMs != null ? formatWait(waitMs, { d: t('unit.d'), h: t('unit.h') }) : null;

  const doClose = async () => {
    setCloseError(null);
    try {
      await store.closeConversation(id);
      setConfirming(false);
    } catch (e) {
      const code = e instanceof VisavisError ? e.code : 'INTERNAL';
      // Someone else (visitor, inactivity) closed it first: that is the outcome we wanted.
      if (code === 'CONVERSATION_CLOSED') setConfirming(false);
      else setCloseError(t('chat.closeError', { code }));
    }
  };

  return (
    <section className="col col-chat" aria-label={name} data-conversation-id={id}>
      <header className="chat-head">
        <button
          type="button"
          className="btn btn-ghost narrow-only"
          onClick={onBack}
          aria-label={t('chat.back')}
        >
          ‹ {t('chat.back')}
        </button>
        <div className="chat-title">
          <h2>{name}</h2>
          <div className="chat-sub">
            {s && <span className={`status status-${s.status}`}>{t(`status.${s.status}`)}</span>}
            {s?.agentName && <span>{t('chat.assignedTo', { name: s.agentName })}</span>}
            {waitText && (
              <span
                className={`wait ${waitMs! >= WAIT_WARN_MS ? 'wait-warn' : ''}`}
                title={t('list.waiting', { time: waitText })}
              >
                <ClockIcon /> {waitText}
              </span>
            )}
          </div>
        </div>
        <div className="chat-actions">
          {!closed && <CallButtons id={id} summary={s} />}
          <RecordingsButton conversationId={id} />
          <button type="button" className="btn btn-ghost narrow-only" onClick={onShowVisitor}>
            {t('chat.visitorInfo')}
          </button>
          {!closed && (state.me.role !== 'agent' || s?.agentId === state.me.id) && (
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="transfer-open"
              onClick={() => setTransferring(true)}
            >
              <TransferIcon /> {t('transfer.open')}
            </button>
          )}
          {!closed && (
            <button
              type="button"
              className="btn btn-danger-outline"
              data-testid="close-conversation"
              onClick={() => {
                setCloseError(null);
                setConfirming(true);
              }}
            >
              {t('chat.close')}
            </button>
          )}
        </div>
      </header>
      <CallPanel id={id} name={name} />
      <MessageList key={id} conversationId={id} timeline={tl} expectHistory={(s?.lastSeq ?? 0) > 0} />
      <div className="typing-slot" aria-live="polite">
        {typing && (
          <span className="typing-indicator" data-testid="typing-indicator">
            <span className="typing-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {t('chat.typing', { name })}
          </span>
        )}
      </div>
      <Composer key={`c-${id}`} conversationId={id} disabled={closed} />
      {transferring && (
        <TransferDialog
          conversationId={id}
          currentAgentId={s?.agentId ?? null}
          onCancel={() => setTransferring(false)}
          onDone={() => {
            setTransferring(false);
            // A plain agent no longer sees a conversation handed to someone else.
            if (state.me.role === 'agent') store.select(null);
          }}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title={t('chat.confirmTitle')}
          body={t('chat.confirmBody')}
          confirmLabel={t('chat.confirmClose')}
          cancelLabel={t('chat.cancel')}
          error={closeError}
          onConfirm={doClose}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}

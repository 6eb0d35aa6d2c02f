import { memo, type ReactNode } from 'react';
import { LIMITS, type Attachment, type SequencedEvent } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { formatBytes, formatDateTime, formatTime, safeUrl, splitLinks } from '../lib/format.js';
import { tickFor, type PendingMessage, type Receipts } from '../lib/timeline.js';
import { isImageType } from '../store/outbox.js';
import { ClockIcon, FileIcon, PhoneIcon, VideoIcon } from './Icons.js';
import { callEndedLine, recordingLineKey, type Party } from '../calls/state.js';
import { SnapshotThumb } from '../calls/SnapshotThumb.js';

/** User text as React text nodes (never HTML); http(s) URLs become plain links. */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((p, i) =>
        p.href ? (
          <a key={i} href={p.href} target="_blank" rel="noopener noreferrer nofollow">
            {p.text}
          </a>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

function AttachmentView({
  a,
  localUrl,
}: {
  a: Pick<Attachment, 'name' | 'mime' | 'size' | 'expired'> & { url?: string };
  localUrl?: string;
}) {
  const { t } = useI18n();
  const url = localUrl ?? safeUrl(a.url);
  if (isImageType(a.mime) && url) {
    return (
      <a
        className="att-image"
        href={url}
        target="_blank"
        rel="noopener noreferrer"
        title={t('chat.openImage')}
      >
        <img src={url} alt={a.name} loading="lazy" />
      </a>
    );
  }
  const body = (
    <>
      <span className="att-icon">
        <FileIcon />
      </span>
      <span className="att-name">{a.name}</span>
      <span className="att-size">{a.expired ? t('chat.attachmentExpired') : formatBytes(a.size)}</span>
    </>
  );
  return url ? (
    <a className="att-file" href={url} target="_blank" rel="noopener noreferrer" download={a.name}>
      {body}
    </a>
  ) : (
    <span className="att-file">{body}</span>
  );
}

const CLOSED_KEYS: Record<string, MessageKey> = {
  agent: 'sys.closedAgent',
  visitor: 'sys.closedVisitor',
  inactivity: 'sys.closedInactivity',
};

function SystemRow({ ev, children }: { ev: SequencedEvent; children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <div
      className="msg-system"
      data-testid="message"
      data-seq={ev.seq}
      data-author="system"
      data-type={ev.event.type}
    >
      <span className="sys-pill" title={formatDateTime(ev.at, lang)}>
        {children}
        <span className="sys-time">{formatTime(ev.at, lang)}</span>
      </span>
    </div>
  );
}

interface EventProps {
  ev: SequencedEvent;
  receipts: Receipts;
  meId: string;
  /** For call events: the call's media and who started it (from its call.ringing). */
  call?: { media: 'video' | 'audio'; startedBy: Party } | undefined;
}

function CallLine({
  media,
  reason,
  children,
}: {
  media: 'video' | 'audio' | undefined;
  reason?: string;
  children: ReactNode;
}) {
  return (
    <span className="sys-call" data-testid="call-notice" data-reason={reason}>
      {media === 'audio' ? <PhoneIcon size={12} /> : <VideoIcon size={12} />}
      {children}
    </span>
  );
}

export const EventItem = memo(function EventItem({ ev, receipts, meId, call }: EventProps) {
  const { t, lang } = useI18n();
  const e = ev.event;
  switch (e.type) {
    case 'conversation.created':
      return <SystemRow ev={ev}>{t('sys.created')}</SystemRow>;
    case 'conversation.queued':
      return <SystemRow ev={ev}>{t('sys.queued')}</SystemRow>;
    case 'conversation.assigned':
      return <SystemRow ev={ev}>{t('sys.assigned', { name: e.agent.name })}</SystemRow>;
    case 'conversation.closed':
      return <SystemRow ev={ev}>{t(CLOSED_KEYS[e.by] ?? 'sys.closedAgent')}</SystemRow>;
    case 'conversation.transferred':
      return (
        <SystemRow ev={ev}>
          <span data-testid="transfer-notice">
            {e.from
              ? t(e.to.kind === 'group' ? 'sys.transferredGroupBy' : 'sys.transferredBy', {
                  from: e.from.name,
                  name: e.to.name,
                })
              : t(e.to.kind === 'group' ? 'sys.transferredGroup' : 'sys.transferred', { name: e.to.name })}
          </span>
          {e.note && <span className="csat-comment">“{e.note}”</span>}
        </SystemRow>
      );
    case 'csat.submitted':
      return (
        <SystemRow ev={ev}>
          <span className="stars" aria-hidden="true">
            {'★'.repeat(e.score)}
            <span className="stars-off">{'★'.repeat(5 - e.score)}</span>
          </span>{' '}
          {t('sys.csat', { score: e.score })}
          {e.comment && <span className="csat-comment">“{e.comment}”</span>}
        </SystemRow>
      );
    case 'call.ringing':
      return (
        <SystemRow ev={ev}>
          <CallLine media={e.media}>
            {e.media === 'audio'
              ? t(e.by === 'visitor' ? 'sys.callStartedVisitorVoice' : 'sys.callStartedAgentVoice')
              : t(e.by === 'visitor' ? 'sys.callStartedVisitor' : 'sys.callStartedAgent', {
                  profile: e.profile,
                })}
          </CallLine>
        </SystemRow>
      );
    case 'call.answered':
      return (
        <SystemRow ev={ev}>
          <CallLine media={call?.media}>
            {t(e.by === 'visitor' ? 'sys.callAnsweredVisitor' : 'sys.callAnsweredAgent')}
          </CallLine>
        </SystemRow>
      );
    case 'call.ended': {
      const line = callEndedLine(e, call);
      return (
        <SystemRow ev={ev}>
          <CallLine media={call?.media} reason={e.reason}>
            {t(line.key, line.duration ? { duration: line.duration } : undefined)}
            {line.reason && <span className="sys-reason"> · {t(line.reason)}</span>}
          </CallLine>
        </SystemRow>
      );
    }
    case 'call.recording': {
      const key = recordingLineKey(e.state);
      if (!key) return null;
      return (
        <SystemRow ev={ev}>
          <span className="sys-call sys-recording" data-testid="recording-notice-line" data-state={e.state}>
            <i className="call-rec-dot-static" aria-hidden="true" />
            {t(key)}
          </span>
        </SystemRow>
      );
    }
    case 'call.snapshot':
      return (
        <SystemRow ev={ev}>
          <SnapshotThumb recordingId={e.recordingId} width={e.width} height={e.height} />
        </SystemRow>
      );
    case 'receipt':
      return null;
    case 'message':
      break;
  }
  // Event types this build does not know take no row rather than breaking the list.
  if (e.type !== 'message') return null;
  const author = e.author.kind;
  if (author === 'system') {
    return (
      <SystemRow ev={ev}>
        <span data-testid="message-text">{e.text}</span>
      </SystemRow>
    );
  }
  const mine = author === 'agent';
  const tick = mine ? tickFor(ev.seq, receipts) : null;
  const otherAgent = mine && e.author.id !== meId && e.author.name;
  return (
    <div
      className={`msg ${mine ? 'msg-out' : 'msg-in'}`}
      data-testid="message"
      data-seq={ev.seq}
      data-author={author}
      data-client-msg-id={e.clientMsgId ?? undefined}
    >
      <div className={e.attachment && isImageType(e.attachment.mime) ? 'bubble bubble-media' : 'bubble'}>
        {otherAgent && <div className="msg-author">{e.author.name}</div>}
        {e.attachment && <AttachmentView a={e.attachment} />}
        {e.text && (
          <div className="msg-text" data-testid="message-text">
            <RichText text={e.text} />
          </div>
        )}
      </div>
      <div className="msg-meta" title={formatDateTime(ev.at, lang)}>
        <span>{formatTime(ev.at, lang)}</span>
        {tick && (
          <span
            className={`tick tick-${tick}`}
            data-testid="message-tick"
            data-tick={tick}
            title={t(
              tick === 'read'
                ? 'chat.tickRead'
                : tick === 'delivered'
                  ? 'chat.tickDelivered'
                  : 'chat.tickSent',
            )}
          >
            {tick === 'sent' ? '✓' : '✓✓'}
          </span>
        )}
      </div>
    </div>
  );
});

interface PendingProps {
  p: PendingMessage;
  onRetry: () => void;
  onDiscard: () => void;
}

function pendingError(code: string | undefined): { key: MessageKey; code?: string } {
  if (code === 'CONVERSATION_CLOSED') return { key: 'chat.closedError' };
  if (code === 'PAYLOAD_TOO_LARGE') return { key: 'chat.fileTooLarge' };
  if (code === 'UNSUPPORTED_MEDIA_TYPE') return { key: 'chat.fileType' };
  if (code === 'QUOTA_EXCEEDED') return { key: 'chat.uploadQuota' };
  return { key: 'chat.sendError', code: code ?? 'INTERNAL' };
}

export function PendingItem({ p, onRetry, onDiscard }: PendingProps) {
  const { t, lang } = useI18n();
  const err = p.state === 'failed' ? pendingError(p.error) : null;
  return (
    <div
      className={`msg msg-out pending ${err ? 'failed' : ''}`}
      data-testid="message"
      data-seq=""
      data-author="agent"
      data-pending="true"
      data-client-msg-id={p.clientMsgId}
    >
      <div className={p.file && isImageType(p.file.mime) ? 'bubble bubble-media' : 'bubble'}>
        {p.file && (
          <AttachmentView a={p.file} {...(p.file.previewUrl ? { localUrl: p.file.previewUrl } : {})} />
        )}
        {p.text && (
          <div className="msg-text" data-testid="message-text">
            <RichText text={p.text} />
          </div>
        )}
      </div>
      <div className="msg-meta">
        {err ? (
          <span className="msg-failed" role="alert">
            {t('chat.failed')} · {t(err.key, { code: err.code ?? '', max: formatBytes(LIMITS.uploadBytes) })}{' '}
            <button type="button" className="link" onClick={onRetry}>
              {t('chat.retry')}
            </button>{' '}
            <button type="button" className="link" onClick={onDiscard}>
              {t('chat.discard')}
            </button>
          </span>
        ) : (
          <span className="tick tick-pending" title={formatDateTime(p.createdAt, lang)}>
            <ClockIcon size={11} /> {p.state === 'uploading' ? t('chat.uploading') : t('chat.sending')}
          </span>
        )}
      </div>
    </div>
  );
}

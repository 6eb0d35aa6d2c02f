import { useEffect, useMemo, useState } from 'react';
import type { SequencedEvent } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { formatBytes, formatDate, formatDateTime } from '../lib/format.js';
import { errorText } from '../routing/hooks.js';
import { useStore, useWorkspace } from '../store/context.js';
import { recordingsApi, type RecordingView } from './api.js';
import { EvidenceExport } from './EvidenceExport.js';
import {
  formatClock,
  groupByCall,
  isSnapshot,
  kindKey,
  type CallFacts,
  type CallRecordings,
} from './playback.js';
import { RecordingPlayer } from './RecordingPlayer.js';

const NO_EVENTS: readonly SequencedEvent[] = [];

/** A play button in a circle: "recordings", distinct from the live-call camera icon. */
export const RecordingsIcon = ({ size = 16 }: { size?: number }) => (
  <svg
    width={size}
    height={size}
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth={2}
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
  >
    <rect x="3" y="5" width="18" height="14" rx="2" />
    <path d="M10 9.5v5l4.5-2.5z" fill="currentColor" />
  </svg>
);

/**
 * The conversation's "Recordings" entry point in the chat header: shown once the conversation has
 * had a call (its timeline holds the call events), for the agent, supervisors and admins alike —
 * the server decides who may actually list (NOT_FOUND otherwise).
 */
export function RecordingsButton({ conversationId }: { conversationId: string }) {
  const { t } = useI18n();
  const state = useWorkspace();
  const [open, setOpen] = useState(false);
  const events = state.timelines[conversationId]?.events ?? NO_EVENTS;
  const hadCall = useMemo(() => events.some((e) => e.event.type === 'call.ringing'), [events]);
  if (!hadCall) return null;
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost"
        data-testid="recordings-open"
        title={t('rec.openTitle')}
        onClick={() => setOpen(true)}
      >
        <RecordingsIcon /> {t('rec.open')}
      </button>
      {open && (
        <RecordingsDialog conversationId={conversationId} events={events} onClose={() => setOpen(false)} />
      )}
    </>
  );
}

/** The recordings of one conversation, grouped by call; picking one opens the player. */
export function RecordingsDialog({
  conversationId,
  events,
  onClose,
}: {
  conversationId: string;
  events: readonly SequencedEvent[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [list, setList] = useState<RecordingView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<{ recording: RecordingView; call: CallFacts } | null>(null);
  const store = useStore();
  // Bumped by a recording.ready push: post-processing ends minutes after the call, often while
  // this dialog is open, and the new file should appear without closing and reopening it.
  const [arrivals, setArrivals] = useState(0);

  useEffect(
    () =>
      store.listen((m) => {
        if (m.type === 'recording.ready' && m.recording.conversationId === conversationId) setArrivals((n) => n + 1);
      }),
    [store, conversationId],
  );

  useEffect(() => {
    let live = true;
    recordingsApi
      .forConversation(conversationId)
      .then((r) => {
        if (!live) return;
        setList(r.recordings);
        setError(null);
      })
      .catch((e: unknown) => live && setError(errorText(e, t)));
    return () => {
      live = false;
    };
  }, [conversationId, t, arrivals]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const groups = useMemo(() => (list ? groupByCall(list, events) : []), [list, events]);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className={`modal rec-modal ${playing ? 'rec-modal-playing' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby="rec-title"
        data-testid="recordings-dialog"
      >
        <header className="rec-head">
          {playing && (
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="recordings-back"
              onClick={() => setPlaying(null)}
            >
              ‹ {t('rec.back')}
            </button>
          )}
          <h3 id="rec-title">{playing ? t(kindKey(playing.recording)) : t('rec.title')}</h3>
          <span className="muted rec-audited">{t('rec.audited')}</span>
          <button
            type="button"
            className="btn btn-ghost push-right"
            data-testid="recordings-close"
            onClick={onClose}
          >
            {t('rec.close')}
          </button>
        </header>
        {playing ? (
          <RecordingPlayer
            key={playing.recording.id}
            recording={playing.recording}
            call={playing.call}
            events={events}
          />
        ) : (
          <div className="rec-body">
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            {!list && !error && <p className="panel-note">{t('rec.loading')}</p>}
            {arrivals > 0 && (
              <p className="rec-arrived muted" role="status" data-testid="recordings-arrived">
                {t('rec.arrived')}
              </p>
            )}
            {list && list.length === 0 && (
              <p className="panel-note" data-testid="recordings-empty">
                {t('rec.none')}
              </p>
            )}
            {groups.map((g) => (
              <CallSection
                key={g.call.callId}
                group={g}
                onPlay={(recording) => setPlaying({ recording, call: g.call })}
              />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

function CallSection({ group, onPlay }: { group: CallRecordings; onPlay: (r: RecordingView) => void }) {
  const { t, lang } = useI18n();
  const { call, recordings } = group;
  const when = formatDateTime(call.ringingAt ?? recordings[0]?.createdAt ?? null, lang);
  const title =
    call.media === 'video'
      ? t('rec.callVideo', { time: when })
      : call.media === 'audio'
        ? t('rec.callAudio', { time: when })
        : t('rec.callUnknown', { time: when });
  const callMs =
    call.answeredAt && call.endedAt ? Date.parse(call.endedAt) - Date.parse(call.answeredAt) : null;
  return (
    <section className="rec-call" data-testid="recordings-call" data-call-id={call.callId}>
      <h4 className="rec-call-title">
        {title}
        {callMs !== null && callMs >= 0 && <span className="muted"> · {formatClock(callMs)}</span>}
      </h4>
      <table className="table rec-table">
        <thead>
          <tr>
            <th>{t('rec.col.kind')}</th>
            <th className="num">{t('rec.col.duration')}</th>
            <th className="num">{t('rec.col.size')}</th>
            <th>{t('rec.col.created')}</th>
            <th>{t('rec.col.retention')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {recordings.map((r) => {
            const deleted = r.deletedAt !== null;
            return (
              <tr
                key={r.id}
                className={deleted ? 'rec-deleted' : 'rec-row'}
                // The whole row opens the player (the button is there for the keyboard).
                onClick={deleted ? undefined : () => onPlay(r)}
                data-testid="recording-item"
                data-kind={r.kind}
                data-party={r.party ?? undefined}
                data-recording-id={r.id}
                data-deleted={deleted || undefined}
              >
                <td>
                  <span className="cell-name">{t(kindKey(r))}</span>
                  {deleted && (
                    <span className="cell-sub rec-deleted-note" data-testid="recording-deleted">
                      {t('rec.deleted', {
                        date: formatDate(r.deletedAt, lang),
                        reason:
                          r.deletedReason === 'retention'
                            ? t('rec.reason.retention')
                            : (r.deletedReason ?? '—'),
                      })}
                    </span>
                  )}
                </td>
                <td className="num">
                  {isSnapshot(r) || r.durationMs === null ? '—' : formatClock(r.durationMs)}
                </td>
                <td className="num">{formatBytes(r.size)}</td>
                <td>{formatDateTime(r.createdAt, lang)}</td>
                <td>{formatDate(r.retentionUntil, lang)}</td>
                <td className="rec-actions">
                  <button
                    type="button"
                    className="btn btn-primary rec-play"
                    data-testid="recording-play"
                    disabled={deleted}
                    onClick={(e) => {
                      e.stopPropagation();
                      onPlay(r);
                    }}
                  >
                    {isSnapshot(r) ? t('rec.view') : t('rec.play')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <EvidenceExport callId={call.callId} />
    </section>
  );
}

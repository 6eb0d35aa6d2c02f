import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { SequencedEvent } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { formatBytes, formatDateTime } from '../lib/format.js';
import { errorText } from '../routing/hooks.js';
import { visitorLabel } from '../lib/visitorName.js';
import { useWorkspace } from '../store/context.js';
import { summaryOf } from '../store/state.js';
import { recordingsApi, type CallMark, type RecordingView, type SignedUrl } from './api.js';
import {
  buildTimeline,
  currentIndex,
  effectiveDuration,
  formatClock,
  isSnapshot,
  markerPercent,
  recordingOrigin,
  urlNeedsRenewal,
  type CallFacts,
  type TimelineItem,
} from './playback.js';

interface Props {
  recording: RecordingView;
  call: CallFacts;
  events: readonly SequencedEvent[];
}

/** Where to put the player after its link was renewed (the new source starts at 0, paused). */
interface Resume {
  atSeconds: number;
  play: boolean;
}

/**
 * One recording: the video (or the snapshot's image) from a short-lived signed link, a Download
 * button, and beside it the conversation's messages, the call's events and its script marks on the
 * recording's clock. The current line follows playback; clicking a line or a marker seeks there.
 * The browser fetches the media with range requests; the server audits every one of them.
 */
export function RecordingPlayer({ recording, call, events }: Props) {
  const { t, lang } = useI18n();
  // The visitor's lines carry their name, as in the inbox (the role word when it is not loaded).
  const summary = summaryOf(useWorkspace(), recording.conversationId);
  const visitorName = summary ? visitorLabel(summary, t) : null;
  const video = useRef<HTMLVideoElement | null>(null);
  const [link, setLink] = useState<SignedUrl | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [positionMs, setPositionMs] = useState(0);
  const [playerSeconds, setPlayerSeconds] = useState(Number.NaN);
  const [marks, setMarks] = useState<CallMark[]>([]);
  const resume = useRef<Resume | null>(null);
  const renewing = useRef<Promise<void> | null>(null);
  // Failures of the current link: the first one (typically 403 after expiry) renews it, a second one is shown.
  const failures = useRef(0);
  const linkRef = useRef<SignedUrl | null>(null);
  linkRef.current = link;
  // Error texts in the current language, without re-running the effects (and reloading the video) on a switch.
  const tRef = useRef(t);
  tRef.current = t;
  const snapshot = isSnapshot(recording);

  useEffect(() => {
    let live = true;
    recordingsApi
      .url(recording.id, 'play')
      .then((l) => live && setLink(l))
      .catch((e: unknown) => live && setError(errorText(e, tRef.current)));
    if (!snapshot) {
      recordingsApi
        .marks(recording.callId)
        .then((r) => live && setMarks(r.marks))
        // Marks enrich the timeline; without them the recording still plays.
        .catch(() => undefined);
    }
    return () => {
      live = false;
    };
  }, [recording.id, recording.callId, snapshot]);

  /** A fresh link, keeping the position (and playing on if it was playing). */
  const renew = useCallback(
    (atSeconds?: number, play?: boolean): Promise<void> => {
      if (renewing.current) return renewing.current;
      const v = video.current;
      resume.current = { atSeconds: atSeconds ?? v?.currentTime ?? 0, play: play ?? (v ? !v.paused : false) };
      const p = recordingsApi
        .url(recording.id, 'play')
        .then((l) => {
          failures.current = 0;
          setLink(l);
        })
        .catch((e: unknown) => setError(errorText(e, tRef.current)))
        .finally(() => {
          renewing.current = null;
        });
      renewing.current = p;
      return p;
    },
    [recording.id],
  );

  /** Before playing or seeking on a link about to expire: renew it first. */
  const ensureFresh = useCallback(
    (atSeconds?: number): boolean => {
      const l = linkRef.current;
      if (!l || !urlNeedsRenewal(l.expiresAt, Date.now())) return false;
      const v = video.current;
      const playing = v ? !v.paused : false;
      v?.pause();
      void renew(atSeconds, playing);
      return true;
    },
    [renew],
  );

  const origin = recordingOrigin(recording, call);
  const durationMs = effectiveDuration(recording.durationMs, playerSeconds);
  const items = useMemo(
    () =>
      origin === null
        ? []
        : buildTimeline({ events, marks, callId: recording.callId, originMs: origin, durationMs }),
    [events, marks, recording.callId, origin, durationMs],
  );
  const current = currentIndex(items, positionMs);

  const seek = (ms: number) => {
    const v = video.current;
    if (!v) return;
    const max = durationMs ?? Number.POSITIVE_INFINITY;
    const s = Math.max(0, Math.min(ms, max)) / 1000;
    setPositionMs(s * 1000);
    if (ensureFresh(s)) return;
    v.currentTime = s;
  };

  const download = async () => {
    try {
      const { url } = await recordingsApi.url(recording.id, 'download');
      const a = document.createElement('a');
      a.href = url;
      a.rel = 'noopener';
      a.download = '';
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) {
      setError(errorText(e, t));
    }
  };

  const meta = (
    <p className="rec-meta muted">
      {formatDateTime(recording.startedAt ?? recording.createdAt, lang)} · {formatBytes(recording.size)}
      {!snapshot && durationMs !== null && ` · ${formatClock(durationMs)}`}
    </p>
  );

  const downloadButton = (
    <button
      type="button"
      className="btn btn-ghost"
      data-testid="recording-download"
      onClick={() => void download()}
    >
      {t('rec.download')}
    </button>
  );

  if (snapshot) {
    return (
      <div className="rec-player rec-player-snapshot">
        <div className="rec-stage">
          {link && (
            <img
              className="rec-image"
              src={link.url}
              alt={t('rec.kind.snapshot')}
              data-testid="recording-image"
            />
          )}
          <div className="rec-controls">
            {meta}
            {downloadButton}
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    );
  }

  const markers = items.filter((i) => i.kind !== 'message' && i.outside === null);

  return (
    <div className="rec-player">
      <div className="rec-stage">
        {/* Mounted once its link is known, so a test (or a user) finds it ready to play. */}
        {!link && <div className="rec-video rec-video-pending" aria-busy="true" />}
        {link && (
          <video
            ref={video}
            className="rec-video"
            data-testid="recording-player"
            src={link.url}
            controls
            preload="metadata"
            playsInline
            onLoadedMetadata={(e) => {
              const v = e.currentTarget;
              setPlayerSeconds(v.duration);
              const r = resume.current;
              resume.current = null;
              if (r) {
                v.currentTime = r.atSeconds;
                if (r.play) void v.play().catch(() => undefined);
              }
            }}
            onDurationChange={(e) => setPlayerSeconds(e.currentTarget.duration)}
            onTimeUpdate={(e) => setPositionMs(e.currentTarget.currentTime * 1000)}
            onSeeking={(e) => {
              setPositionMs(e.currentTarget.currentTime * 1000);
              ensureFresh(e.currentTarget.currentTime);
            }}
            onPlay={() => ensureFresh()}
            onError={() => {
              // An expired or refused link answers 403: one renewal, then give up and say so.
              failures.current += 1;
              if (failures.current === 1) void renew();
              else setError(t('rec.mediaError'));
            }}
          />
        )}
        <div
          className="rec-bar"
          role="slider"
          aria-label={t('rec.progress')}
          aria-valuemin={0}
          aria-valuemax={durationMs ? Math.round(durationMs / 1000) : 0}
          aria-valuenow={Math.round(positionMs / 1000)}
          aria-valuetext={formatClock(positionMs)}
          tabIndex={0}
          data-testid="recording-progress"
          onClick={(e: MouseEvent<HTMLDivElement>) => {
            if (!durationMs) return;
            const box = e.currentTarget.getBoundingClientRect();
            seek(((e.clientX - box.left) / box.width) * durationMs);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight') seek(positionMs + 5000);
            else if (e.key === 'ArrowLeft') seek(positionMs - 5000);
          }}
        >
          <span
            className="rec-bar-fill"
            style={{ width: `${markerPercent(positionMs, durationMs) ?? (positionMs > 0 ? 100 : 0)}%` }}
          />
          {markers.map((m) => {
            const left = markerPercent(m.atMs, durationMs);
            if (left === null) return null;
            return (
              <span
                key={m.key}
                className={`rec-marker rec-marker-${m.kind}`}
                style={{ left: `${left}%` }}
                title={`${formatClock(m.atMs)} ${describe(m, t)}`}
                data-testid="recording-marker"
                data-kind={m.kind}
              />
            );
          })}
        </div>
        <div className="rec-controls">
          <span className="rec-clock" data-testid="recording-clock">
            {formatClock(positionMs)} / {durationMs !== null ? formatClock(durationMs) : '--:--'}
          </span>
          <span className="rec-legend muted">
            <span className="rec-swatch rec-marker-mark" /> {t('rec.legend.mark')}
            <span className="rec-swatch rec-marker-call" /> {t('rec.legend.event')}
          </span>
          {downloadButton}
        </div>
        {meta}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <Timeline items={items} current={current} noOrigin={origin === null} onSeek={seek} visitorName={visitorName} />
    </div>
  );
}

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The words of a timeline line: message text as it was written, events and marks in the UI's language. */
function describe(item: TimelineItem, t: T): string {
  if (item.kind !== 'call' || !item.event) return item.text || t('rec.attachment');
  const e = item.event;
  switch (e.type) {
    case 'call.ringing':
      return t('rec.ev.ringing');
    case 'call.answered':
      return t('rec.ev.answered');
    case 'call.ended':
      return t('rec.ev.ended');
    case 'call.recording':
      return t(`rec.ev.recording.${e.state}`);
    case 'call.snapshot':
      return t('rec.ev.snapshot', { width: e.width, height: e.height });
    default:
      return e.type;
  }
}

function Timeline({
  items,
  current,
  noOrigin,
  onSeek,
  visitorName,
}: {
  items: readonly TimelineItem[];
  current: number;
  noOrigin: boolean;
  onSeek: (ms: number) => void;
  visitorName: string | null;
}) {
  const { t } = useI18n();
  const list = useRef<HTMLOListElement | null>(null);

  // Keep the current line in view as the video plays, scrolling the list only (never the page).
  useEffect(() => {
    const box = list.current;
    const el = box?.querySelector<HTMLElement>('[data-current="true"]');
    if (!box || !el) return;
    const top = el.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top + el.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }, [current]);

  return (
    <aside className="rec-timeline" aria-label={t('rec.timeline')}>
      <h4 className="rec-timeline-title">{t('rec.timeline')}</h4>
      {noOrigin && <p className="panel-note">{t('rec.noOrigin')}</p>}
      <ol className="rec-items" ref={list}>
        {items.map((item, i) => {
          const who = item.who === 'visitor' && visitorName ? visitorName : t(`rec.who.${item.who}`);
          return (
            <li key={item.key}>
              <button
                type="button"
                className={`rec-item rec-item-${item.kind} rec-who-${item.who} ${item.outside ? 'rec-outside' : ''} ${i === current ? 'rec-current' : ''}`}
                data-testid="recording-timeline-item"
                data-kind={item.kind}
                data-at-ms={item.atMs}
                data-current={i === current}
                data-outside={item.outside ?? undefined}
                disabled={item.outside !== null}
                title={item.outside ? t(item.outside === 'before' ? 'rec.before' : 'rec.after') : undefined}
                onClick={() => onSeek(item.atMs)}
              >
                <span className="rec-item-time">{formatClock(item.atMs)}</span>
                <span className="rec-item-who">{who}</span>
                <span className="rec-item-text">{describe(item, t)}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </aside>
  );
}

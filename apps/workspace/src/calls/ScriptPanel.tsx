import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { requestJson, VisavisError } from '@visavis/client';
import type { MarkAnswer, MarksAnswer } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { CallSnapshot } from './callStore.js';
import { useRecording } from './RecordingSigns.js';
import { markTime, scriptProgress, stepLabel, type CallMark, type LiveCall } from './state.js';

const http = { baseUrl: '' };
const marksPath = (callId: string) => `/api/calls/${encodeURIComponent(callId)}/marks`;
const codeOf = (e: unknown) => (e instanceof VisavisError ? e.code : 'NETWORK');

/**
 * The script of a dual-recording (雙錄) call, beside the call: the agent reads each step out and
 * presses Done, which stores a mark (POST /api/calls/:id/marks with the step as its label; the
 * server stamps the time from the recording's start). Free notes are marks too. The marks are
 * loaded from the server, so a step stays checked off when the panel is mounted again.
 */
export function ScriptPanel({ call, snap }: { call: LiveCall; snap: CallSnapshot }) {
  const info = snap.session?.callId === call.callId ? snap.session.info : null;
  const dual = info?.recording?.dual ?? call.recording?.dual ?? false;
  if (!dual) return null;
  return <Script key={call.callId} call={call} script={info?.recording?.script ?? []} />;
}

function Script({ call, script }: { call: LiveCall; script: readonly string[] }) {
  const { t } = useI18n();
  const rec = useRecording(call);
  const [marks, setMarks] = useState<CallMark[]>([]);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<{ what: 'load' | 'save'; code: string } | null>(null);
  const [note, setNote] = useState('');

  useEffect(() => {
    let live = true;
    requestJson<MarksAnswer>(http, 'GET', marksPath(call.callId)).then(
      (r) => live && setMarks((mine) => merge(r.marks, mine)),
      (e: unknown) => live && setError({ what: 'load', code: codeOf(e) }),
    );
    return () => {
      live = false;
    };
  }, [call.callId]);

  const progress = useMemo(() => scriptProgress(script, marks), [script, marks]);
  // The step to read next stays in view as the list scrolls on.
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const ol = list.current;
    const li = ol?.children[progress.current] as HTMLElement | undefined;
    if (!ol || !li) return;
    const top = li.getBoundingClientRect().top - ol.getBoundingClientRect().top;
    const bottom = top + li.offsetHeight;
    if (top < 0 || bottom > ol.clientHeight) ol.scrollTop += top - 4;
  }, [progress.current]);
  // A step is read into the recording: only while it runs (not starting, not paused).
  const canMark = rec.state === 'running' && !rec.paused;

  const add = async (key: string, label: string): Promise<boolean> => {
    if (pending.has(key)) return false;
    setPending((p) => new Set(p).add(key));
    setError(null);
    try {
      const { mark } = await requestJson<MarkAnswer>(http, 'POST', marksPath(call.callId), { label });
      setMarks((ms) => merge(ms, [mark]));
      return true;
    } catch (e) {
      setError({ what: 'save', code: codeOf(e) });
      return false;
    } finally {
      setPending((p) => {
        const n = new Set(p);
        n.delete(key);
        return n;
      });
    }
  };

  const submitNote = (e: FormEvent) => {
    e.preventDefault();
    const label = note.trim().slice(0, 200);
    if (!label) return;
    void add('note', label).then((ok) => ok && setNote(''));
  };

  const pct = progress.total ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <aside className="script-panel" data-testid="script-panel" aria-label={t('script.title')}>
      <header className="script-head">
        <strong>{t('script.title')}</strong>
        {progress.total > 0 && (
          <span className="script-progress" data-testid="script-progress" data-done={progress.done} data-total={progress.total}>
            {t('script.progress', { done: progress.done, total: progress.total })}
          </span>
        )}
      </header>
      {progress.total > 0 && (
        <div className="script-bar" aria-hidden="true">
          <i style={{ width: `${pct}%` }} />
        </div>
      )}
      {!canMark && progress.current >= 0 && <p className="script-hint">{t('script.waiting')}</p>}
      <ol className="script-steps" ref={list}>
        {progress.steps.map((s, i) => {
          const done = s.mark !== null;
          const current = i === progress.current;
          return (
            <li
              key={s.label}
              className={`script-step${done ? ' done' : ''}${current ? ' current' : ''}`}
              data-testid="script-step"
              data-done={done}
            >
              <span className="script-check" aria-hidden="true">
                {done ? <CheckIcon /> : i + 1}
              </span>
              <span className="script-text">{s.text}</span>
              {done ? (
                <time className="script-time" data-testid="script-step-time">
                  {markTime(s.mark!.atMs)}
                </time>
              ) : (
                <button
                  type="button"
                  className={`btn script-done${current ? ' btn-primary' : ''}`}
                  data-testid="script-step-done"
                  disabled={!canMark || pending.has(s.label)}
                  title={t('script.doneTitle')}
                  onClick={() => void add(s.label, stepLabel(i, s.text))}
                >
                  {t('script.done')}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {progress.notes.length > 0 && (
        <div className="script-notes">
          <span className="script-notes-title">{t('script.notes')}</span>
          <ul>
            {progress.notes.map((m) => (
              <li key={m.id} data-testid="script-note">
                <time className="script-time">{markTime(m.atMs)}</time>
                <span>{m.label}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form className="script-mark" onSubmit={submitNote}>
        <input
          type="text"
          data-testid="script-note-input"
          value={note}
          maxLength={200}
          placeholder={t('script.notePlaceholder')}
          aria-label={t('script.noteLabel')}
          onChange={(e) => setNote(e.target.value)}
        />
        <button type="submit" className="btn" data-testid="script-mark" disabled={!note.trim() || pending.has('note')}>
          {t('script.mark')}
        </button>
      </form>
      {error && (
        <p className="script-error" role="alert">
          {t(error.what === 'load' ? 'script.loadError' : 'script.error', { code: error.code })}
        </p>
      )}
    </aside>
  );
}

/** Marks by id, a later copy replacing an earlier one. */
function merge(a: readonly CallMark[], b: readonly CallMark[]): CallMark[] {
  const byId = new Map<string, CallMark>();
  for (const m of [...a, ...b]) byId.set(m.id, m);
  return [...byId.values()];
}

function CheckIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z" />
    </svg>
  );
}

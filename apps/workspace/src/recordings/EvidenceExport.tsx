import { useState } from 'react';
import { useI18n } from '../i18n/react.js';
import { formatBytes, formatTime } from '../lib/format.js';
import { errorText } from '../routing/hooks.js';
import { useWorkspace } from '../store/context.js';
import { recordingsApi, type EvidenceExport as Exported } from './api.js';

type State =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'ready'; result: Exported }
  | { kind: 'failed'; message: string };

/**
 * "Export evidence package" for one call, offered to supervisors and admins only (the server
 * refuses others with FORBIDDEN and audits every export and download). Packaging a long call
 * takes a while, so the button turns into a progress line, then into the download link.
 */
export function EvidenceExport({ callId }: { callId: string }) {
  const { t, lang } = useI18n();
  const role = useWorkspace().me.role;
  const [state, setState] = useState<State>({ kind: 'idle' });
  if (role !== 'supervisor' && role !== 'admin') return null;

  const run = async () => {
    setState({ kind: 'working' });
    try {
      setState({ kind: 'ready', result: await recordingsApi.exportEvidence(callId) });
    } catch (e) {
      setState({ kind: 'failed', message: errorText(e, t) });
    }
  };

  return (
    <div className="rec-evidence" data-testid="evidence-export" data-state={state.kind}>
      {state.kind === 'working' ? (
        <p className="rec-evidence-working" role="status">
          <span className="rec-evidence-spinner" aria-hidden="true" />
          {t('rec.evidence.working')}
        </p>
      ) : state.kind === 'ready' ? (
        <p className="rec-evidence-ready" role="status">
          <span>{t('rec.evidence.ready', { size: formatBytes(state.result.package.size) })}</span>
          <a
            className="btn btn-primary"
            href={state.result.url}
            download
            data-testid="evidence-download"
          >
            {t('rec.evidence.download')}
          </a>
          <span className="muted">
            {t('rec.evidence.expires', { time: formatTime(state.result.expiresAt, lang) })}
          </span>
        </p>
      ) : null}
      {state.kind === 'failed' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      {state.kind !== 'working' && (
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="evidence-export-start"
          title={t('rec.evidence.exportTitle')}
          onClick={() => void run()}
        >
          {state.kind === 'idle' ? t('rec.evidence.export') : t('rec.evidence.again')}
        </button>
      )}
    </div>
  );
}

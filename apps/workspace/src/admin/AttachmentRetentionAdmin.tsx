import { useState } from 'react';
import { useI18n } from '../i18n/react.js';
import { errorText, useLoaded } from '../routing/hooks.js';
import {
  attachmentRetentionApi,
  daysOfText,
  inEffect,
  textOfDays,
  type RetentionRunResult,
} from './attachment-retention.js';

/** The organisation's row is keyed 'org'; a group's row by its id. */
type RowKey = string;
const ORG: RowKey = 'org';

interface RowStatus {
  ok: boolean;
  text: string;
}

/**
 * Admins (Admin → Recording): how long chat attachments are kept — the organisation's days and
 * each skill group's override (empty = inherited), saved per row, and an on-demand clean-up.
 */
export function AttachmentRetentionAdmin() {
  const { t } = useI18n();
  const { value: data, error, reload } = useLoaded(attachmentRetentionApi.get, t);
  const [drafts, setDrafts] = useState<Record<RowKey, string>>({});
  const [status, setStatus] = useState<Record<RowKey, RowStatus>>({});
  const [saving, setSaving] = useState<RowKey | null>(null);
  const [running, setRunning] = useState(false);
  const [run, setRun] = useState<{ result: RetentionRunResult; at: Date } | null>(null);
  const [runError, setRunError] = useState<string | null>(null);

  const edit = (key: RowKey, text: string) => {
    setDrafts((ds) => ({ ...ds, [key]: text }));
    setStatus(({ [key]: _gone, ...rest }) => rest);
  };

  const save = async (key: RowKey, days: number | null) => {
    setSaving(key);
    try {
      if (key === ORG) await attachmentRetentionApi.saveOrg(days);
      else await attachmentRetentionApi.saveGroup(key, days);
      setDrafts(({ [key]: _saved, ...rest }) => rest);
      setStatus((s) => ({ ...s, [key]: { ok: true, text: t('admin.saved') } }));
      // The groups that inherit show the organisation's new days.
      await reload();
    } catch (e) {
      setStatus((s) => ({ ...s, [key]: { ok: false, text: errorText(e, t) } }));
    } finally {
      setSaving(null);
    }
  };

  const runNow = async () => {
    setRunning(true);
    setRunError(null);
    try {
      setRun({ result: await attachmentRetentionApi.run(), at: new Date() });
    } catch (e) {
      setRunError(errorText(e, t));
    } finally {
      setRunning(false);
    }
  };

  if (!data) {
    return (
      <section className="card" data-testid="attachment-retention">
        <h3 className="card-title">{t('attRet.title')}</h3>
        {error ? (
          <p className="form-error" role="alert" data-testid="attachment-retention-error">
            {error}
          </p>
        ) : (
          <p className="panel-note">{t('attRet.loading')}</p>
        )}
      </section>
    );
  }

  const row = (key: RowKey, name: string, scope: 'org' | 'group', saved: number | null) => {
    const text = drafts[key] ?? textOfDays(saved);
    const days = daysOfText(text);
    const invalid = Number.isNaN(days);
    const effect = inEffect(data, scope, saved);
    const st = status[key];
    return (
      <tr key={key} data-testid="retention-row" data-scope={scope} data-group-id={scope === 'group' ? key : undefined}>
        <td>
          <span className="cell-name">{name}</span>
        </td>
        <td>
          <span className="att-ret-days">
            <input
              className="input input-num"
              type="number"
              min={1}
              max={36500}
              inputMode="numeric"
              aria-label={`${t('attRet.col.days')} · ${name}`}
              aria-invalid={invalid}
              placeholder={t('attRet.inherit')}
              data-testid="retention-days"
              value={text}
              onChange={(e) => edit(key, e.target.value)}
            />
            <span className="muted">{t('attRet.days')}</span>
          </span>
          {invalid && <span className="form-error cell-sub">{t('attRet.invalid')}</span>}
        </td>
        <td data-testid="retention-in-effect" data-days={effect.days} data-source={effect.source}>
          {t(`attRet.effective.${effect.source}`, { days: effect.days })}
        </td>
        <td className="cell-actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="retention-save"
            disabled={saving !== null || invalid || days === saved}
            onClick={() => void save(key, days)}
          >
            {t('admin.save')}
          </button>
          {st && (
            <span className={st.ok ? 'form-ok' : 'form-error'} role={st.ok ? 'status' : 'alert'} data-testid="retention-status" data-ok={st.ok}>
              {st.text}
            </span>
          )}
        </td>
      </tr>
    );
  };

  return (
    <section className="card" data-testid="attachment-retention">
      <div className="card-head">
        <h3 className="card-title">{t('attRet.title')}</h3>
        <span className="muted" data-testid="retention-server-default" data-days={data.defaultDays}>
          {t('attRet.serverDefault', { days: data.defaultDays })}
        </span>
      </div>
      <p className="panel-note att-ret-help">{t('attRet.help')}</p>
      {error && (
        <p className="form-error" role="alert" data-testid="attachment-retention-error">
          {error}
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>{t('attRet.col.scope')}</th>
            <th>{t('attRet.col.days')}</th>
            <th>{t('attRet.col.inEffect')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {row(ORG, t('attRet.org'), 'org', data.orgDays)}
          {data.groups.map((g) => row(g.id, g.name, 'group', g.days))}
        </tbody>
      </table>
      {data.groups.length === 0 && <p className="panel-note">{t('attRet.noGroups')}</p>}
      <div className="row-actions att-ret-run">
        <button type="button" className="btn btn-ghost" data-testid="retention-run" disabled={running} onClick={() => void runNow()}>
          {running ? t('attRet.running') : t('attRet.run')}
        </button>
        {run && (
          <span
            className="form-ok"
            role="status"
            data-testid="retention-run-result"
            data-expired={run.result.expired}
            data-orphans={run.result.orphans}
          >
            {run.result.expired + run.result.orphans === 0
              ? t('attRet.runNothing', { time: run.at.toLocaleTimeString() })
              : t('attRet.runResult', { time: run.at.toLocaleTimeString(), ...run.result })}
          </span>
        )}
        {runError && (
          <span className="form-error" role="alert" data-testid="retention-run-error">
            {runError}
          </span>
        )}
      </div>
      <p className="panel-note">{t('attRet.runHint')}</p>
    </section>
  );
}

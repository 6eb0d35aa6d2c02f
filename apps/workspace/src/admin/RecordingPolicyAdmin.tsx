import { useEffect, useRef, useState } from 'react';
import type { RecordingMode } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { ArrowDownIcon, ArrowUpIcon, TrashIcon } from '../components/Icons.js';
import { errorText, useLoaded } from '../routing/hooks.js';
import { ApiError } from '../routing/api.js';
import { recordingsApi, type GroupRecordingPolicy, type RecordingPolicies } from '../recordings/api.js';
import {
  SCRIPT_MAX_STEPS,
  SCRIPT_STEP_MAX,
  draftOf,
  editScript,
  policyOf,
  problemsOf,
  retentionOf,
  samePolicy,
  withDual,
  withMode,
  type PolicyDraft,
  type StepEdit,
} from '../recordings/policy.js';

const MODES: readonly RecordingMode[] = ['off', 'on', 'mandatory'];

/** Admins: how each skill group's calls are recorded — mode, dual recording with its script, visitor's local copy, retention. */
export function RecordingPolicyAdmin() {
  const { t } = useI18n();
  const { value: data, error, reload } = useLoaded<RecordingPolicies>(() => recordingsApi.policies(), t);
  const [selected, setSelected] = useState<string | null>(null);
  // The first group is selected once the list arrives; a later reload keeps the choice.
  useEffect(() => {
    if (data) setSelected((s) => s ?? data.groups[0]?.id ?? null);
  }, [data]);

  const group = data?.groups.find((g) => g.id === selected) ?? null;

  return (
    <div className="admin-split" data-testid="recording-admin">
      <section className="card admin-list">
        <div className="card-head">
          <h3 className="card-title">{t('recPolicy.title')}</h3>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {data && data.groups.length === 0 && <p className="panel-note">{t('recPolicy.none')}</p>}
        <ul className="group-list">
          {data?.groups.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                className={`group-item ${g.id === selected ? 'selected' : ''}`}
                data-testid="recording-group"
                data-group-id={g.id}
                data-mode={g.mode}
                onClick={() => setSelected(g.id)}
              >
                <span className="group-name">{g.name}</span>
                <span className="group-meta">
                  <span className={`chip rec-mode-chip rec-mode-${g.mode}`}>
                    {t(`recPolicy.mode.${g.mode}`)}
                  </span>
                  {g.dual && <span className="chip">{t('recPolicy.chip.dual')}</span>}
                  {g.visitorLocal && <span className="chip">{t('recPolicy.chip.local')}</span>}
                  <span className="muted">
                    {t('recPolicy.chip.days', { days: g.retentionDays ?? data.defaultRetentionDays })}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="card admin-editor">
        {group && data ? (
          <PolicyEditor
            key={group.id}
            group={group}
            defaultDays={data.defaultRetentionDays}
            onSaved={() => void reload()}
          />
        ) : (
          <p className="panel-note">{t('recPolicy.pick')}</p>
        )}
      </section>
    </div>
  );
}

function PolicyEditor({
  group,
  defaultDays,
  onSaved,
}: {
  group: GroupRecordingPolicy;
  defaultDays: number;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [d, setD] = useState<PolicyDraft>(() => draftOf(group));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState(false);
  const focusStep = useRef<number | null>(null);
  const stepInputs = useRef<(HTMLInputElement | null)[]>([]);
  const set = (next: PolicyDraft) => {
    setD(next);
    setOk(false);
  };
  const step = (e: StepEdit) => set({ ...d, script: editScript(d.script, e) });
  const problems = problemsOf(d);

  useEffect(() => {
    if (focusStep.current === null) return;
    stepInputs.current[focusStep.current]?.focus();
    focusStep.current = null;
  });

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const policy = policyOf(d);
      if (!samePolicy(policy, group)) await recordingsApi.savePolicy(group.id, policy);
      const days = retentionOf(d);
      if (days !== group.retentionDays) await recordingsApi.saveRetention(group.id, days);
      setOk(true);
      onSaved();
    } catch (e) {
      setError(
        errorText(e, t) +
          (e instanceof ApiError && e.code !== 'VALIDATION_FAILED' && e.message ? ` ${e.message}` : ''),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="form rec-policy"
      data-testid="recording-policy-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (problems.length === 0) void save();
      }}
    >
      <h3 className="card-title">{t('recPolicy.edit', { name: group.name })}</h3>
      <fieldset className="fieldset">
        <legend>{t('recPolicy.mode')}</legend>
        <div className="seg" role="radiogroup" aria-label={t('recPolicy.mode')}>
          {MODES.map((m) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={d.mode === m}
              className={d.mode === m ? 'seg-item active' : 'seg-item'}
              data-testid={`recording-mode-${m}`}
              onClick={() => set(withMode(d, m))}
            >
              {t(`recPolicy.mode.${m}`)}
            </button>
          ))}
        </div>
        <p className="panel-note rec-hint">{t(`recPolicy.modeHint.${d.mode}`)}</p>
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('recPolicy.dual')}</legend>
        <Switch
          checked={d.dual}
          testId="recording-dual"
          label={t('recPolicy.dual')}
          onChange={(v) => set(withDual(d, v))}
        />
        <p className="panel-note rec-hint">{t('recPolicy.dualHint')}</p>
        {d.dual && (
          <div className="rec-script" data-testid="recording-script">
            <h4 className="rec-script-title">{t('recPolicy.script')}</h4>
            {d.script.length === 0 && <p className="panel-note">{t('recPolicy.noSteps')}</p>}
            <ol className="rec-steps">
              {d.script.map((text, i) => (
                <li key={i} className="rec-step" data-testid="recording-step">
                  <span className="rec-step-n">{i + 1}</span>
                  <input
                    ref={(el) => {
                      stepInputs.current[i] = el;
                    }}
                    className="input"
                    aria-label={t('recPolicy.step', { n: i + 1 })}
                    data-testid="recording-step-text"
                    maxLength={SCRIPT_STEP_MAX}
                    value={text}
                    aria-invalid={!text.trim()}
                    onChange={(e) => step({ op: 'set', index: i, text: e.target.value })}
                  />
                  <button
                    type="button"
                    className="btn-icon-sm"
                    title={t('recPolicy.moveUp')}
                    aria-label={t('recPolicy.moveUp')}
                    data-testid="recording-step-up"
                    disabled={i === 0}
                    onClick={() => step({ op: 'move', index: i, by: -1 })}
                  >
                    <ArrowUpIcon />
                  </button>
                  <button
                    type="button"
                    className="btn-icon-sm"
                    title={t('recPolicy.moveDown')}
                    aria-label={t('recPolicy.moveDown')}
                    data-testid="recording-step-down"
                    disabled={i === d.script.length - 1}
                    onClick={() => step({ op: 'move', index: i, by: 1 })}
                  >
                    <ArrowDownIcon />
                  </button>
                  <button
                    type="button"
                    className="btn-icon-sm"
                    title={t('recPolicy.remove')}
                    aria-label={t('recPolicy.remove')}
                    data-testid="recording-step-remove"
                    onClick={() => step({ op: 'remove', index: i })}
                  >
                    <TrashIcon />
                  </button>
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="recording-step-add"
              disabled={d.script.length >= SCRIPT_MAX_STEPS}
              onClick={() => {
                focusStep.current = d.script.length;
                step({ op: 'add' });
              }}
            >
              + {t('recPolicy.addStep')}
            </button>
          </div>
        )}
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('recPolicy.visitorLocal')}</legend>
        <Switch
          checked={d.visitorLocal}
          testId="recording-visitor-local"
          label={t('recPolicy.visitorLocal')}
          onChange={(v) => set({ ...d, visitorLocal: v })}
        />
        <p className="panel-note rec-hint">{t('recPolicy.visitorLocalHint')}</p>
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('recPolicy.retention')}</legend>
        <div className="rec-retention">
          <label className="check">
            <input
              type="radio"
              name={`retention-${group.id}`}
              data-testid="recording-retention-default"
              checked={d.retentionDays === null}
              onChange={() => set({ ...d, retentionDays: null })}
            />
            {t('recPolicy.retentionDefault', { days: defaultDays })}
          </label>
          <label className="check">
            <input
              type="radio"
              name={`retention-${group.id}`}
              checked={d.retentionDays !== null}
              onChange={() => set({ ...d, retentionDays: String(group.retentionDays ?? defaultDays) })}
            />
            {t('recPolicy.retentionCustom')}
            <input
              className="input input-num"
              type="number"
              min={1}
              max={36500}
              aria-label={t('recPolicy.retention')}
              data-testid="recording-retention-days"
              value={d.retentionDays ?? ''}
              disabled={d.retentionDays === null}
              aria-invalid={Number.isNaN(retentionOf(d))}
              onChange={(e) => set({ ...d, retentionDays: e.target.value })}
            />
            {t('recPolicy.days')}
          </label>
        </div>
        <p className="panel-note rec-hint">{t('recPolicy.retentionHint')}</p>
      </fieldset>
      {problems.length > 0 && (
        <ul className="form-problems" data-testid="recording-problems">
          {problems.map((p) => (
            <li key={p}>{t(p)}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="recording-error">
          {error}
        </p>
      )}
      <div className="row-actions">
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="recording-save"
          disabled={busy || problems.length > 0}
        >
          {t('admin.save')}
        </button>
        {ok && <span className="form-ok">{t('admin.saved')}</span>}
      </div>
    </form>
  );
}

/** An on/off switch: a checkbox styled as a track with a knob (keyboard and screen readers as a checkbox). */
function Switch({
  checked,
  onChange,
  label,
  testId,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <label className={`switch ${checked ? 'on' : ''}`}>
      <input
        type="checkbox"
        role="switch"
        aria-label={label}
        data-testid={testId}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span className="switch-track" aria-hidden="true">
        <span className="switch-knob" />
      </span>
      <span className="switch-text">{t(checked ? 'recPolicy.mode.on' : 'recPolicy.mode.off')}</span>
    </label>
  );
}

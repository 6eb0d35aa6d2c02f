import { useEffect, useReducer, useState } from 'react';
import type { RoutingConfig } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { routingApi } from '../routing/api.js';
import {
  addableKinds,
  chainReducer,
  validateConfig,
  type ConfigProblem,
  type StepKind,
} from '../routing/chain.js';
import { errorText } from '../routing/hooks.js';
import { useRefs, useRefsStore } from '../routing/refs.js';
import { stepKey } from '../components/RoutingBits.js';
import { NumberInput } from './fields.js';
import { StepCard } from './StepCard.js';

const PROBLEM_KEYS: Record<ConfigProblem['key'], MessageKey> = {
  emptyChain: 'cfg.err.emptyChain',
  tooManySteps: 'cfg.err.tooManySteps',
  weight: 'cfg.err.weight',
  ringTimeout: 'cfg.err.ringTimeout',
  maxMissed: 'cfg.err.maxMissed',
  duration: 'cfg.err.duration',
  ruleGroup: 'cfg.err.ruleGroup',
  ruleEmptyValue: 'cfg.err.ruleEmptyValue',
  unknownGroup: 'cfg.err.unknownGroup',
};

/**
 * The routing configuration of the organisation, or of one entry point that overrides it: the
 * ordered chain of strategies with their options and skill rules, the capacity weights per medium,
 * and how offers ring. Checked in the form; the server's own refusal is shown as well.
 */
export function RoutingConfigEditor() {
  const { t } = useI18n();
  const refs = useRefs();
  const refsStore = useRefsStore();
  const [entryPoint, setEntryPoint] = useState('');
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [saved, setSaved] = useState<RoutingConfig | null>(null);
  const [config, dispatch] = useReducer(chainReducer, null as unknown as RoutingConfig);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [addKind, setAddKind] = useState<StepKind | ''>('');

  const load = async (ep: string) => {
    setStatus(null);
    try {
      const { config: c } = await routingApi.config(ep.trim() || null);
      dispatch({ type: 'load', config: c });
      setSaved(c);
      setLoadedFor(ep.trim());
    } catch (e) {
      setStatus({ ok: false, text: errorText(e, t) });
    }
  };
  useEffect(() => {
    void load('');
    void refsStore.reload();
    // Once on opening; the entry point field has its own Load button.
  }, []);

  if (!config) return <p className="panel-note">{status?.text ?? t('app.loading')}</p>;

  const problems = validateConfig(config, refs.loaded ? refs.groups.map((g) => g.id) : allGroupIds(config));
  const dirty = JSON.stringify(config) !== JSON.stringify(saved);
  const addable = addableKinds(config.policy.chain);
  const w = config.policy.weights;

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      await routingApi.saveConfig(loadedFor || null, config);
      setSaved(config);
      setStatus({ ok: true, text: t('admin.saved') });
    } catch (e) {
      setStatus({ ok: false, text: errorText(e, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="admin-stack routing-editor" data-testid="routing-editor">
      <section className="card">
        <div className="form-row inline-sentence">
          <span>{t('cfg.scope')}</span>
          <input
            className="input input-short"
            data-testid="cfg-entry-point"
            placeholder={t('cfg.orgDefault')}
            value={entryPoint}
            maxLength={100}
            onChange={(e) => setEntryPoint(e.target.value)}
          />
          <button type="button" className="btn btn-ghost" onClick={() => void load(entryPoint)}>
            {t('cfg.load')}
          </button>
          <span className="muted">
            {loadedFor ? t('cfg.editingEntry', { entry: loadedFor }) : t('cfg.editingOrg')}
          </span>
        </div>
      </section>
      <section className="card">
        <h3 className="card-title">{t('cfg.chain')}</h3>
        <p className="panel-note">{t('cfg.chainHelp')}</p>
        <ol className="chain" data-testid="chain">
          {config.policy.chain.map((s, i) => (
            <StepCard
              key={s.kind}
              step={s}
              index={i}
              count={config.policy.chain.length}
              groups={refs.groups}
              dispatch={dispatch}
            />
          ))}
        </ol>
        {addable.length > 0 && (
          <div className="row-actions">
            <select
              className="select"
              data-testid="chain-add-kind"
              value={addKind}
              onChange={(e) => setAddKind(e.target.value as StepKind | '')}
            >
              <option value="">{t('cfg.pickStep')}</option>
              {addable.map((k) => (
                <option key={k} value={k}>
                  {t(stepKey(k)!)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="chain-add"
              disabled={!addKind}
              onClick={() => {
                if (addKind) dispatch({ type: 'addStep', kind: addKind });
                setAddKind('');
              }}
            >
              + {t('cfg.addStep')}
            </button>
          </div>
        )}
      </section>
      <div className="cfg-grid">
        <section className="card">
          <h3 className="card-title">{t('cfg.weights')}</h3>
          <p className="panel-note">{t('cfg.weightsHelp')}</p>
          <div className="form-row">
            {(['chat', 'audio', 'video'] as const).map((m) => (
              <label key={m} className="field field-compact">
                <span>{t(`media.${m}`)}</span>
                <NumberInput
                  label={t(`media.${m}`)}
                  testId={`weight-${m}`}
                  value={w[m]}
                  min={1}
                  max={100}
                  onChange={(value) => dispatch({ type: 'setWeight', media: m, value })}
                />
              </label>
            ))}
          </div>
        </section>
        <section className="card">
          <h3 className="card-title">{t('cfg.offers')}</h3>
          <div className="form-grid">
            <label className="field field-compact">
              <span>{t('cfg.ringTimeout')}</span>
              <NumberInput
                label={t('cfg.ringTimeout')}
                testId="cfg-ring"
                value={config.ringTimeoutMs}
                scale={1000}
                min={3}
                max={300}
                onChange={(ringTimeoutMs) => dispatch({ type: 'setOffers', patch: { ringTimeoutMs } })}
              />
            </label>
            <label className="field field-compact">
              <span>{t('cfg.maxMissed')}</span>
              <NumberInput
                label={t('cfg.maxMissed')}
                value={config.maxMissedOffers}
                min={0}
                max={100}
                onChange={(maxMissedOffers) => dispatch({ type: 'setOffers', patch: { maxMissedOffers } })}
              />
            </label>
            <label className="field field-compact">
              <span>{t('cfg.wrapUp')}</span>
              <NumberInput
                label={t('cfg.wrapUp')}
                value={config.wrapUpMs}
                scale={1000}
                min={0}
                onChange={(wrapUpMs) => dispatch({ type: 'setOffers', patch: { wrapUpMs } })}
              />
            </label>
            <label className="field field-compact">
              <span>{t('cfg.cooldown')}</span>
              <NumberInput
                label={t('cfg.cooldown')}
                value={config.policy.refusalCooldownMs}
                scale={1000}
                min={0}
                onChange={(ms) => dispatch({ type: 'setCooldown', ms })}
              />
            </label>
          </div>
        </section>
      </div>
      <div className="save-bar">
        {problems.length > 0 && (
          <ul className="form-problems" data-testid="cfg-problems">
            {problems.map((p, i) => (
              <li key={i}>
                {p.rule
                  ? `${t('cfg.atRule', { step: p.step ?? 0, rule: p.rule })} `
                  : p.step
                    ? `${t('cfg.atStep', { step: p.step })} `
                    : ''}
                {t(PROBLEM_KEYS[p.key])}
              </li>
            ))}
          </ul>
        )}
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!dirty || busy}
          onClick={() => saved && dispatch({ type: 'load', config: saved })}
        >
          {t('cfg.revert')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="routing-save"
          disabled={!dirty || busy || problems.length > 0}
          onClick={() => void save()}
        >
          {t('admin.save')}
        </button>
        {status && (
          <span
            className={status.ok ? 'form-ok' : 'form-error'}
            role={status.ok ? 'status' : 'alert'}
            data-testid="routing-status"
          >
            {status.text}
          </span>
        )}
      </div>
    </div>
  );
}

/** Before the group list has loaded, do not report every group as unknown. */
function allGroupIds(c: RoutingConfig): string[] {
  return c.policy.chain.flatMap((s) =>
    s.kind === 'vip'
      ? s.vipGroupId
        ? [s.vipGroupId]
        : []
      : s.kind === 'skill-rules'
        ? [...s.rules.map((r) => r.groupId), ...(s.defaultGroupId ? [s.defaultGroupId] : [])]
        : [],
  );
}

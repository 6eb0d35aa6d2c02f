import type { Dispatch } from 'react';
import type { SkillGroup, StrategyStep } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { ChainAction } from '../routing/chain.js';
import { ArrowDownIcon, ArrowUpIcon, TrashIcon } from '../components/Icons.js';
import { stepKey } from '../components/RoutingBits.js';
import { NumberInput } from './fields.js';
import { SkillRulesEditor } from './SkillRulesEditor.js';

const DAY_MS = 24 * 3600_000;

/** One step of the routing chain: its place, what it does, and its options. */
export function StepCard({
  step,
  index,
  count,
  groups,
  dispatch,
}: {
  step: StrategyStep;
  index: number;
  count: number;
  groups: readonly SkillGroup[];
  dispatch: Dispatch<ChainAction>;
}) {
  const { t } = useI18n();
  const update = (s: StrategyStep) => dispatch({ type: 'updateStep', index, step: s });
  let options = null;
  switch (step.kind) {
    case 'vip':
      options = (
        <div className="form-row inline-sentence">
          <span>{t('steps.vipPool')}</span>
          <select
            className="select"
            value={step.vipGroupId ?? ''}
            onChange={(e) => update({ ...step, vipGroupId: e.target.value || null })}
          >
            <option value="">{t('steps.anyAgent')}</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <label className="check">
            <input
              type="checkbox"
              checked={step.preferDesignated}
              onChange={(e) => update({ ...step, preferDesignated: e.target.checked })}
            />
            <span>{t('steps.preferDesignated')}</span>
          </label>
        </div>
      );
      break;
    case 'designated':
      options = (
        <div className="form-row inline-sentence">
          <span>{t('steps.waitFor')}</span>
          <NumberInput
            label={t('steps.waitSeconds')}
            value={step.waitMs}
            scale={1000}
            min={0}
            onChange={(waitMs) => update({ ...step, waitMs })}
          />
          <span>{t('steps.secondsIfBusy')}</span>
        </div>
      );
      break;
    case 'returning':
      options = (
        <div className="form-row inline-sentence">
          <select
            className="select"
            value={step.mode}
            aria-label={t('steps.mode')}
            onChange={(e) => update({ ...step, mode: e.target.value as 'last' | 'most-frequent' })}
          >
            <option value="last">{t('steps.modeLast')}</option>
            <option value="most-frequent">{t('steps.modeFrequent')}</option>
          </select>
          <span>{t('steps.within')}</span>
          <NumberInput
            label={t('steps.lookbackDays')}
            value={step.lookbackMs}
            scale={DAY_MS}
            min={0}
            onChange={(lookbackMs) => update({ ...step, lookbackMs })}
          />
          <span>{t('steps.daysWait')}</span>
          <NumberInput
            label={t('steps.waitSeconds')}
            value={step.waitMs}
            scale={1000}
            min={0}
            onChange={(waitMs) => update({ ...step, waitMs })}
          />
          <span>{t('steps.secondsIfBusy')}</span>
        </div>
      );
      break;
    case 'skill-rules':
      options = <SkillRulesEditor step={step} index={index} groups={groups} dispatch={dispatch} />;
      break;
    default:
      options = null;
  }
  return (
    <li className={`step-card step-card-${step.kind}`} data-testid="chain-step" data-kind={step.kind}>
      <div className="step-head">
        <span className="step-no" aria-hidden="true">
          {index + 1}
        </span>
        <div className="step-title">
          <strong>{t(stepKey(step.kind)!)}</strong>
          <span className="muted">{t(`stepHelp.${step.kind}`)}</span>
        </div>
        <span className="step-buttons">
          <button
            type="button"
            className="btn-icon-sm"
            data-testid="step-up"
            aria-label={t('admin.up')}
            title={t('admin.up')}
            disabled={index === 0}
            onClick={() => dispatch({ type: 'moveStep', index, delta: -1 })}
          >
            <ArrowUpIcon />
          </button>
          <button
            type="button"
            className="btn-icon-sm"
            data-testid="step-down"
            aria-label={t('admin.down')}
            title={t('admin.down')}
            disabled={index === count - 1}
            onClick={() => dispatch({ type: 'moveStep', index, delta: 1 })}
          >
            <ArrowDownIcon />
          </button>
          <button
            type="button"
            className="btn-icon-sm"
            data-testid="step-remove"
            aria-label={t('admin.remove')}
            title={t('admin.remove')}
            onClick={() => dispatch({ type: 'removeStep', index })}
          >
            <TrashIcon />
          </button>
        </span>
      </div>
      {options && <div className="step-options">{options}</div>}
    </li>
  );
}

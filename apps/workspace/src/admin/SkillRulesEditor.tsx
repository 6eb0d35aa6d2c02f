import type { Dispatch } from 'react';
import type { SkillGroup } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { ChainAction, ConditionField, SkillRulesStep } from '../routing/chain.js';
import { ArrowDownIcon, ArrowUpIcon, TrashIcon } from '../components/Icons.js';
import { ConditionEditor } from './ConditionEditor.js';

/** The skill-rules step: rules tried top to bottom ("if all of … then group X"), then the default group. */
export function SkillRulesEditor({
  step,
  index,
  groups,
  dispatch,
}: {
  step: SkillRulesStep;
  index: number;
  groups: readonly SkillGroup[];
  dispatch: Dispatch<ChainAction>;
}) {
  const { t } = useI18n();
  const groupSelect = (
    value: string | null,
    onChange: (v: string) => void,
    allowNone: boolean,
    testId?: string,
  ) => (
    <select
      className="select"
      data-testid={testId}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value)}
      aria-invalid={!allowNone && !value}
    >
      {allowNone ? (
        <option value="">{t('rules.noDefault')}</option>
      ) : (
        <option value="">{t('rules.pickGroup')}</option>
      )}
      {groups.map((g) => (
        <option key={g.id} value={g.id}>
          {g.name}
        </option>
      ))}
    </select>
  );
  return (
    <div className="rules" data-testid="skill-rules">
      {step.rules.length === 0 && <p className="panel-note">{t('rules.none')}</p>}
      <ol className="rule-list">
        {step.rules.map((r, j) => (
          <li key={`${r.id}-${j}`} className="rule" data-testid="skill-rule">
            <div className="rule-head">
              <span className="rule-no">{t('rules.rule', { n: j + 1 })}</span>
              <span className="rule-if">{r.when.length === 0 ? t('rules.always') : t('rules.ifAll')}</span>
              <span className="push-right step-buttons">
                <button
                  type="button"
                  className="btn-icon-sm"
                  aria-label={t('admin.up')}
                  title={t('admin.up')}
                  disabled={j === 0}
                  onClick={() => dispatch({ type: 'moveRule', step: index, rule: j, delta: -1 })}
                >
                  <ArrowUpIcon />
                </button>
                <button
                  type="button"
                  className="btn-icon-sm"
                  aria-label={t('admin.down')}
                  title={t('admin.down')}
                  disabled={j === step.rules.length - 1}
                  onClick={() => dispatch({ type: 'moveRule', step: index, rule: j, delta: 1 })}
                >
                  <ArrowDownIcon />
                </button>
                <button
                  type="button"
                  className="btn-icon-sm"
                  aria-label={t('admin.remove')}
                  title={t('admin.remove')}
                  onClick={() => dispatch({ type: 'removeRule', step: index, rule: j })}
                >
                  <TrashIcon />
                </button>
              </span>
            </div>
            {r.when.map((c, k) => (
              <ConditionEditor
                key={k}
                condition={c}
                onChange={(condition) =>
                  dispatch({ type: 'setCondition', step: index, rule: j, cond: k, condition })
                }
                onRemove={() => dispatch({ type: 'removeCondition', step: index, rule: j, cond: k })}
              />
            ))}
            <div className="rule-foot">
              <select
                className="select select-add"
                value=""
                data-testid="rule-add-condition"
                aria-label={t('rules.addCondition')}
                onChange={(e) =>
                  e.target.value &&
                  dispatch({
                    type: 'addCondition',
                    step: index,
                    rule: j,
                    field: e.target.value as ConditionField,
                  })
                }
              >
                <option value="">+ {t('rules.addCondition')}</option>
                {(
                  [
                    'channel',
                    'entryPoint',
                    'pageUrl',
                    'language',
                    'tag',
                    'attribute',
                    'vip',
                    'groupOpen',
                  ] as const
                ).map((f) => (
                  <option key={f} value={f}>
                    {t(`cond.${f}`)}
                  </option>
                ))}
              </select>
              <span className="rule-then">→ {t('rules.then')}</span>
              {groupSelect(
                r.groupId,
                (groupId) => dispatch({ type: 'updateRule', step: index, rule: j, patch: { groupId } }),
                false,
                'rule-group',
              )}
            </div>
          </li>
        ))}
      </ol>
      <div className="row-actions">
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="rule-add"
          onClick={() => dispatch({ type: 'addRule', step: index, groupId: groups[0]?.id ?? '' })}
        >
          + {t('rules.add')}
        </button>
        <span className="inline-sentence push-right">
          <span>{t('rules.otherwise')}</span>
          {groupSelect(
            step.defaultGroupId,
            (v) => dispatch({ type: 'updateStep', index, step: { ...step, defaultGroupId: v || null } }),
            true,
            'rules-default',
          )}
        </span>
      </div>
    </div>
  );
}

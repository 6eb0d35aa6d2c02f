import type { Channel } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { CONDITION_FIELDS, newCondition, type Condition, type ConditionField } from '../routing/chain.js';
import { TrashIcon } from '../components/Icons.js';
import { ListInput } from './fields.js';

const CHANNELS: readonly Channel[] = ['web', 'h5', 'wechat', 'app', 'sip', 'api'];

/** One condition of a skill rule: the field, and a value editor that fits it. */
export function ConditionEditor({
  condition,
  onChange,
  onRemove,
}: {
  condition: Condition;
  onChange: (c: Condition) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const c = condition;
  let value;
  switch (c.field) {
    case 'channel':
      value = (
        <span className="chips">
          {CHANNELS.map((ch) => (
            <label key={ch} className={`chip chip-check ${c.oneOf.includes(ch) ? 'on' : ''}`}>
              <input
                type="checkbox"
                checked={c.oneOf.includes(ch)}
                onChange={(e) =>
                  onChange({
                    ...c,
                    oneOf: e.target.checked ? [...c.oneOf, ch] : c.oneOf.filter((x) => x !== ch),
                  })
                }
              />
              {t(`channel.${ch}`)}
            </label>
          ))}
        </span>
      );
      break;
    case 'entryPoint':
    case 'language':
      value = (
        <ListInput
          label={t(`cond.${c.field}`)}
          value={c.oneOf}
          placeholder={t(c.field === 'language' ? 'cond.languageHint' : 'cond.listHint')}
          testId="cond-value"
          onChange={(oneOf) => onChange({ ...c, oneOf })}
        />
      );
      break;
    case 'tag':
      value = (
        <ListInput
          label={t('cond.tag')}
          value={c.anyOf}
          placeholder={t('cond.listHint')}
          testId="cond-value"
          onChange={(anyOf) => onChange({ ...c, anyOf })}
        />
      );
      break;
    case 'pageUrl':
      value = (
        <input
          className="input"
          data-testid="cond-value"
          aria-label={t('cond.pageUrl')}
          placeholder={t('cond.pageUrlHint')}
          value={c.matches}
          maxLength={500}
          aria-invalid={!c.matches.trim()}
          onChange={(e) => onChange({ ...c, matches: e.target.value })}
        />
      );
      break;
    case 'attribute':
      value = (
        <span className="inline-sentence">
          <input
            className="input input-short"
            aria-label={t('cond.attrName')}
            placeholder={t('cond.attrName')}
            value={c.name}
            maxLength={50}
            aria-invalid={!c.name.trim()}
            onChange={(e) => onChange({ ...c, name: e.target.value })}
          />
          =
          {typeof c.equals === 'boolean' ? (
            <select
              className="select"
              aria-label={t('cond.attrValue')}
              value={String(c.equals)}
              onChange={(e) => onChange({ ...c, equals: e.target.value === 'true' })}
            >
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          ) : (
            <input
              className="input input-short"
              type={typeof c.equals === 'number' ? 'number' : 'text'}
              aria-label={t('cond.attrValue')}
              placeholder={t('cond.attrValue')}
              value={String(c.equals)}
              maxLength={200}
              onChange={(e) => onChange({ ...c, equals: typedValue(e.target.value, typeof c.equals) })}
            />
          )}
          <select
            className="select"
            aria-label={t('cond.attrType')}
            value={typeof c.equals}
            onChange={(e) => onChange({ ...c, equals: typedValue(String(c.equals), e.target.value) })}
          >
            <option value="string">{t('cond.typeText')}</option>
            <option value="number">{t('cond.typeNumber')}</option>
            <option value="boolean">{t('cond.typeBoolean')}</option>
          </select>
        </span>
      );
      break;
    case 'vip':
      value = (
        <select
          className="select"
          value={String(c.equals)}
          aria-label={t('cond.vip')}
          onChange={(e) => onChange({ ...c, equals: e.target.value === 'true' })}
        >
          <option value="true">{t('cond.isVip')}</option>
          <option value="false">{t('cond.notVip')}</option>
        </select>
      );
      break;
    case 'groupOpen':
      value = <span className="muted">{t('cond.groupOpenHint')}</span>;
      break;
  }
  return (
    <div className="cond" data-testid="rule-condition" data-field={c.field}>
      <select
        className="select"
        aria-label={t('cond.field')}
        value={c.field}
        onChange={(e) => onChange(newCondition(e.target.value as ConditionField))}
      >
        {CONDITION_FIELDS.map((f) => (
          <option key={f} value={f}>
            {t(`cond.${f}`)}
          </option>
        ))}
      </select>
      <span className="cond-value">{value}</span>
      <button
        type="button"
        className="btn-icon-sm"
        aria-label={t('admin.remove')}
        title={t('admin.remove')}
        onClick={onRemove}
      >
        <TrashIcon />
      </button>
    </div>
  );
}

/** The attribute value as the chosen type; the engine compares with strict equality. */
function typedValue(text: string, type: string): string | number | boolean {
  if (type === 'boolean') return text.trim().toLowerCase() === 'true';
  if (type === 'number') {
    const n = Number(text);
    return Number.isFinite(n) ? n : 0;
  }
  return text;
}

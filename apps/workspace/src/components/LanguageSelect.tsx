import type { Language } from '@visavis/protocol';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n/index.js';
import { useI18n } from '../i18n/react.js';

export function LanguageSelect() {
  const { lang, setLang, t } = useI18n();
  return (
    <select
      className="select"
      data-testid="language-select"
      aria-label={t('top.language')}
      title={t('top.language')}
      value={lang}
      onChange={(e) => setLang(e.target.value as Language)}
    >
      {LANGUAGES.map((l) => (
        <option key={l} value={l}>
          {LANGUAGE_NAMES[l]}
        </option>
      ))}
    </select>
  );
}

import { useI18n } from '../i18n/react.js';

/** The product mark and name above the sign-in and set-password cards. */
export function LoginBrand() {
  const { t } = useI18n();
  return (
    <div className="login-brand">
      <span className="brand-mark" aria-hidden="true">
        V
      </span>
      <div>
        <h1>{t('app.name')}</h1>
        <p>{t('login.subtitle')}</p>
      </div>
    </div>
  );
}

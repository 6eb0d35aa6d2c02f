import { useState } from 'react';
import type { PasswordLink } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { formatDateTime } from '../lib/format.js';

/** A set-password link, shown once to the admin who made it (the server keeps only its hash). */
export function OneTimeLink({ name, link }: { name: string; link: PasswordLink }) {
  const { t, lang } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div className="one-time-link" data-testid="one-time-link" role="status">
      <div>{t('accounts.link', { name, time: formatDateTime(link.expiresAt, lang) })}</div>
      <code data-testid="one-time-link-url">{link.link}</code>
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() =>
          navigator.clipboard?.writeText(link.link).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('accounts.copied') : t('accounts.copy')}
      </button>
    </div>
  );
}

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/react.js';
import { AccountDialog, type AccountTab } from './AccountDialog.js';

/** The user chip in the top bar opens a menu: change password, sessions, two-factor sign-in. */
export function AccountMenu({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<AccountTab | null>(null);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const items: [AccountTab, 'account.password' | 'account.sessions' | 'account.totp'][] = [
    ['password', 'account.password'],
    ['sessions', 'account.sessions'],
    ['totp', 'account.totp'],
  ];
  return (
    <div className="account-menu" ref={ref}>
      <button
        type="button"
        className="me me-button"
        title={title}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={t('account.menu')}
        data-testid="account-menu"
        onClick={() => setOpen((o) => !o)}
      >
        {children}
      </button>
      {open && (
        <div className="account-menu-list" role="menu">
          {items.map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="menuitem"
              data-testid={`account-menu-${key}`}
              onClick={() => {
                setOpen(false);
                setTab(key);
              }}
            >
              {t(label)}
            </button>
          ))}
        </div>
      )}
      {tab && <AccountDialog tab={tab} onTab={setTab} onClose={() => setTab(null)} />}
    </div>
  );
}

import type { ReactNode } from 'react';
import type { Role } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { GearIcon, InboxIcon, MailIcon, QueueIcon } from './Icons.js';

export type View = 'inbox' | 'queue' | 'offline' | 'admin';

interface Item {
  view: View;
  label: MessageKey;
  icon: ReactNode;
  roles: readonly Role[];
}

const ITEMS: readonly Item[] = [
  { view: 'inbox', label: 'nav.inbox', icon: <InboxIcon />, roles: ['agent', 'supervisor', 'admin'] },
  { view: 'queue', label: 'nav.queue', icon: <QueueIcon />, roles: ['supervisor', 'admin'] },
  { view: 'offline', label: 'nav.offline', icon: <MailIcon />, roles: ['agent', 'supervisor', 'admin'] },
  { view: 'admin', label: 'nav.admin', icon: <GearIcon />, roles: ['admin'] },
];

/** The views this role may open, in rail order. */
export function viewsFor(role: Role): View[] {
  return ITEMS.filter((i) => i.roles.includes(role)).map((i) => i.view);
}

/** The left rail: Inbox / Queue (supervisors) / Offline messages / Admin (admins). */
export function NavRail({
  role,
  view,
  onChange,
  badges,
}: {
  role: Role;
  view: View;
  onChange: (v: View) => void;
  badges: Partial<Record<View, number>>;
}) {
  const { t } = useI18n();
  return (
    <nav className="rail" aria-label={t('nav.label')}>
      {ITEMS.filter((i) => i.roles.includes(role)).map((i) => {
        const n = badges[i.view] ?? 0;
        return (
          <button
            key={i.view}
            type="button"
            className={`rail-item ${view === i.view ? 'active' : ''}`}
            data-testid={`nav-${i.view}`}
            aria-current={view === i.view ? 'page' : undefined}
            title={t(i.label)}
            onClick={() => onChange(i.view)}
          >
            {i.icon}
            <span className="rail-label">{t(i.label)}</span>
            {n > 0 && <span className="rail-badge">{n > 99 ? '99+' : n}</span>}
          </button>
        );
      })}
    </nav>
  );
}

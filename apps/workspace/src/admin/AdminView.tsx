import { useState } from 'react';
import { useI18n } from '../i18n/react.js';
import { AgentsAdmin } from './AgentsAdmin.js';
import { RoutingConfigEditor } from './RoutingConfigEditor.js';
import { SkillGroupsAdmin } from './SkillGroupsAdmin.js';
import { RecordingPolicyAdmin } from './RecordingPolicyAdmin.js';
import { AttachmentRetentionAdmin } from './AttachmentRetentionAdmin.js';
import { SiteSecurityAdmin } from './SiteSecurityAdmin.js';

type Tab = 'routing' | 'groups' | 'agents' | 'recording' | 'site';

/** Admins: the routing chain and its settings, skill groups with hours and overflow, agents, recording policies and chat attachments' retention, site & security. */
export function AdminView() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('routing');
  return (
    <main className="view view-admin" data-testid="admin-view">
      <header className="view-head">
        <h2>{t('admin.title')}</h2>
        <div className="seg" role="tablist">
          {(['routing', 'groups', 'agents', 'recording', 'site'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={tab === k ? 'seg-item active' : 'seg-item'}
              data-testid={`admin-tab-${k}`}
              onClick={() => setTab(k)}
            >
              {t(`admin.tab.${k}`)}
            </button>
          ))}
        </div>
      </header>
      {tab === 'routing' && <RoutingConfigEditor />}
      {tab === 'groups' && <SkillGroupsAdmin />}
      {tab === 'agents' && <AgentsAdmin />}
      {tab === 'recording' && (
        <div className="admin-stack">
          <RecordingPolicyAdmin />
          <AttachmentRetentionAdmin />
        </div>
      )}
      {tab === 'site' && <SiteSecurityAdmin />}
    </main>
  );
}

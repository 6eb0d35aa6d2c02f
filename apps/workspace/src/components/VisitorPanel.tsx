import type { ReactNode } from 'react';
import type { Language } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { LANGUAGE_NAMES } from '../i18n/index.js';
import { formatDate, formatDateTime, safeUrl } from '../lib/format.js';
import { describeDevice } from '../lib/useragent.js';
import { useStore, useWorkspace } from '../store/context.js';
import { visitorLabel } from '../lib/visitorName.js';
import { RoutingPanel } from './RoutingPanel.js';
import { VisitorRoutingEditor } from './VisitorRoutingEditor.js';

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="vrow" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function languageName(code: string | null): string | null {
  if (!code) return null;
  return (LANGUAGE_NAMES as Record<string, string>)[code as Language] ?? code;
}

/** Who the agent is talking to: identity, where they are, and their history with us. */
export function VisitorPanel({ onBack }: { onBack: () => void }) {
  const { t, lang } = useI18n();
  const store = useStore();
  const state = useWorkspace();
  const id = state.selectedId;
  const d = id ? state.details[id] : undefined;
  const data = d?.data;
  const none = t('visitor.unknown');

  let body: ReactNode;
  if (!id) body = <p className="panel-note">{t('visitor.none')}</p>;
  else if (!data && d?.status === 'error') {
    body = (
      <p className="panel-note error">
        {t('visitor.error')}{' '}
        <button type="button" className="link" onClick={() => void store.loadDetails(id)}>
          {t('list.retry')}
        </button>
      </p>
    );
  } else if (!data) body = <p className="panel-note">{t('visitor.loading')}</p>;
  else {
    const v = data.visitor;
    const page = safeUrl(v.pageUrl);
    const device = describeDevice(v.userAgent);
    const past = data.pastConversations.filter((c) => c.id !== id);
    const name = visitorLabel({ visitorName: v.name, visitorId: v.id }, t);
    body = (
      <>
        <div className="visitor-head">
          <span className="conv-avatar large" aria-hidden="true">
            {name.slice(0, 1).toUpperCase()}
          </span>
          <div>
            <div className="visitor-name">{name}</div>
            {v.identified ? (
              <span className="pill pill-ok" data-testid="identified-badge">
                ✓ {t('visitor.identified')}
              </span>
            ) : (
              <span className="pill">{t('visitor.anonymous')}</span>
            )}
          </div>
        </div>
        <dl className="vlist">
          <Row label={t('visitor.name')}>{v.name || none}</Row>
          <Row label={t('visitor.email')}>
            {v.email ? (
              <a href={`mailto:${encodeURIComponent(v.email).replace(/%40/g, '@')}`}>{v.email}</a>
            ) : (
              none
            )}
          </Row>
          <Row label={t('visitor.externalId')}>{v.externalId ? <code>{v.externalId}</code> : none}</Row>
          <Row label={t('visitor.page')}>
            {page ? (
              <a
                className="truncate"
                href={page}
                target="_blank"
                rel="noopener noreferrer nofollow"
                title={v.pageUrl ?? ''}
              >
                {v.pageUrl}
              </a>
            ) : (
              v.pageUrl || none
            )}
          </Row>
          <Row label={t('visitor.device')}>
            <span title={v.userAgent ?? ''}>{device ?? none}</span>
          </Row>
          <Row label={t('visitor.language')}>{languageName(v.language) ?? none}</Row>
          <Row label={t('visitor.firstSeen')}>{formatDateTime(v.firstSeenAt, lang) || none}</Row>
          <Row label={t('visitor.lastSeen')}>{formatDateTime(v.lastSeenAt, lang) || none}</Row>
        </dl>
        <RoutingPanel key={`why-${id}`} conversationId={id} />
        {state.me.role !== 'agent' && <VisitorRoutingEditor key={`vip-${v.id}`} visitorId={v.id} />}
        <h4 className="panel-sub">{t('visitor.past')}</h4>
        {past.length === 0 ? (
          <p className="panel-note">{t('visitor.noPast')}</p>
        ) : (
          <ul className="past-list">
            {past.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className="past"
                  data-testid="past-conversation"
                  onClick={() => store.select(c.id)}
                >
                  <span className="past-date">{formatDate(c.createdAt, lang)}</span>
                  <span className={`status status-${c.status}`}>{t(`status.${c.status}`)}</span>
                  <span className="stars" title={t('visitor.csat')}>
                    {c.csatScore != null ? (
                      <>
                        {'★'.repeat(c.csatScore)}
                        <span className="stars-off">{'★'.repeat(Math.max(0, 5 - c.csatScore))}</span>
                      </>
                    ) : (
                      <span className="muted">{none}</span>
                    )}
                  </span>
                  {c.lastMessageText && <span className="past-preview">{c.lastMessageText}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </>
    );
  }

  return (
    <aside className="col col-visitor" data-testid="visitor-panel" aria-label={t('visitor.title')}>
      <div className="panel-head">
        <button type="button" className="btn btn-ghost narrow-only" onClick={onBack}>
          ‹ {t('chat.back')}
        </button>
        <h3>{t('visitor.title')}</h3>
      </div>
      <div className="panel-body">{body}</div>
    </aside>
  );
}

import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/react.js';
import { routingApi } from '../routing/api.js';
import { parseList } from '../routing/format.js';
import { errorText } from '../routing/hooks.js';
import type { VisitorRoutingFactsView } from '@visavis/protocol';
import { StarIcon } from './Icons.js';

/**
 * Supervisors and admins: mark a visitor VIP (they jump the queue) and set their tags (skill
 * rules can route on them). A waiting VIP moves up at once.
 */
export function VisitorRoutingEditor({ visitorId }: { visitorId: string }) {
  const { t } = useI18n();
  const [facts, setFacts] = useState<VisitorRoutingFactsView | null>(null);
  const [vip, setVip] = useState(false);
  const [tags, setTags] = useState('');
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    routingApi
      .visitorFacts(visitorId)
      .then((f) => {
        if (!live) return;
        setFacts(f);
        setVip(f.vip);
        setTags(f.tags.join(', '));
      })
      .catch((e: unknown) => live && setStatus({ kind: 'error', text: errorText(e, t) }));
    return () => {
      live = false;
    };
  }, [visitorId, t]);

  const list = parseList(tags);
  const tooLong = list.some((x) => x.length > 50) || list.length > 50;
  const dirty = facts !== null && (vip !== facts.vip || list.join('\n') !== facts.tags.join('\n'));

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      await routingApi.setVisitorFacts(visitorId, { vip, tags: list });
      setFacts({ ...(facts ?? { attributes: {} }), vip, tags: list });
      setTags(list.join(', '));
      setStatus({ kind: 'ok', text: t('vip.saved') });
    } catch (e) {
      setStatus({ kind: 'error', text: errorText(e, t) });
    } finally {
      setBusy(false);
    }
  };

  const attributes = Object.entries(facts?.attributes ?? {});
  return (
    <section className="vip-editor" data-testid="visitor-routing">
      <h4 className="panel-sub">{t('vip.title')}</h4>
      <label className="check">
        <input
          type="checkbox"
          data-testid="visitor-vip"
          checked={vip}
          disabled={!facts}
          onChange={(e) => setVip(e.target.checked)}
        />
        <span className="vip-label">
          <StarIcon /> {t('vip.vip')}
        </span>
      </label>
      <label className="field field-compact">
        <span>{t('vip.tags')}</span>
        <input
          className="input"
          data-testid="visitor-tags"
          value={tags}
          disabled={!facts}
          placeholder={t('vip.tagsPlaceholder')}
          aria-invalid={tooLong}
          onChange={(e) => setTags(e.target.value)}
        />
      </label>
      {tooLong && <p className="form-error">{t('vip.tagsTooLong')}</p>}
      {attributes.length > 0 && (
        <p className="panel-note vip-attrs">
          {attributes.map(([k, v]) => (
            <code key={k}>
              {k}={String(v)}
            </code>
          ))}
        </p>
      )}
      <div className="row-actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="visitor-routing-save"
          disabled={!dirty || busy || tooLong}
          onClick={() => void save()}
        >
          {t('admin.save')}
        </button>
        {status && (
          <span
            className={status.kind === 'ok' ? 'form-ok' : 'form-error'}
            role={status.kind === 'error' ? 'alert' : 'status'}
          >
            {status.text}
          </span>
        )}
      </div>
    </section>
  );
}

import { useState, useSyncExternalStore } from 'react';
import type { OfferView } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { formatTime } from '../lib/format.js';
import { visitorLabel } from '../lib/visitorName.js';
import { errorText } from '../routing/hooks.js';
import { fractionLeft, nameAgents, secondsLeft } from '../routing/format.js';
import { useRefs } from '../routing/refs.js';
import type { OffersStore } from '../routing/offers.js';
import { useNow } from '../store/context.js';
import { BellIcon, StarIcon } from './Icons.js';
import { StepLabel } from './RoutingBits.js';

/**
 * Offers ringing for this agent, as cards over everything else: who, from where, why the
 * routing chose us, and a countdown to when it moves on. Accept opens the conversation.
 */
export function OfferStack({
  offers,
  onAccepted,
}: {
  offers: OffersStore;
  onAccepted: (conversationId: string) => void;
}) {
  const list = useSyncExternalStore(offers.subscribe, offers.getState);
  const { t } = useI18n();
  if (list.length === 0) return null;
  return (
    <div className="offer-stack" role="region" aria-label={t('offer.region')} aria-live="assertive">
      {list.map((o) => (
        <OfferCard key={o.id} o={o} offers={offers} onAccepted={onAccepted} />
      ))}
    </div>
  );
}

function OfferCard({
  o,
  offers,
  onAccepted,
}: {
  o: OfferView;
  offers: OffersStore;
  onAccepted: (id: string) => void;
}) {
  const { t, lang } = useI18n();
  const refs = useRefs();
  const now = useNow(250);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = secondsLeft(o.expiresAt, now);
  const fraction = fractionLeft(o.createdAt, o.expiresAt, now);
  const name = visitorLabel(o, t);
  const [step, ...rest] = o.reason.split(': ');
  const note = nameAgents(rest.join(': '), refs.agents, (iso) => formatTime(iso, lang));

  const answer = async (accept: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (accept) onAccepted(await offers.accept(o.id));
      else await offers.decline(o.id);
    } catch (e) {
      setError(errorText(e, t));
      setBusy(false);
    }
  };

  return (
    <article
      className={`offer-card ${left <= 5 ? 'offer-urgent' : ''}`}
      data-testid="offer-card"
      data-offer-id={o.id}
    >
      <header className="offer-head">
        <span className="offer-bell" aria-hidden="true">
          <BellIcon />
        </span>
        <span className="offer-title">{t('offer.title')}</span>
        <span
          className="offer-count"
          data-testid="offer-countdown"
          aria-label={t('offer.secondsLeft', { n: left })}
        >
          {t('offer.seconds', { n: left })}
        </span>
      </header>
      <div className="offer-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
      <div className="offer-who">
        <span className="offer-name" data-testid="offer-visitor">
          {name}
        </span>
        {o.vip && (
          <span className="vip-badge" data-testid="offer-vip">
            <StarIcon /> VIP
          </span>
        )}
      </div>
      <dl className="offer-facts">
        <div>
          <dt>{t('offer.group')}</dt>
          <dd>{o.groupName ?? t('routing.anyGroup')}</dd>
        </div>
        <div>
          <dt>{t('offer.media')}</dt>
          <dd>{t(`media.${o.media}`)}</dd>
        </div>
        {o.pageUrl && (
          <div>
            <dt>{t('offer.page')}</dt>
            <dd className="truncate" title={o.pageUrl}>
              {o.pageUrl}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('offer.why')}</dt>
          <dd data-testid="offer-reason">
            <StepLabel step={step ?? ''} />
            {note && <span className="offer-note"> {note}</span>}
          </dd>
        </div>
      </dl>
      {error && (
        <p className="offer-error" role="alert">
          {error}
        </p>
      )}
      <div className="offer-actions">
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="offer-decline"
          disabled={busy}
          onClick={() => void answer(false)}
        >
          {t('offer.decline')}
        </button>
        <button
          type="button"
          className="btn btn-accept"
          data-testid="offer-accept"
          disabled={busy}
          onClick={() => void answer(true)}
        >
          {t('offer.accept')}
        </button>
      </div>
    </article>
  );
}

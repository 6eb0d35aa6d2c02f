import type { Presence } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { loadLevel, loadPercent } from '../routing/format.js';
import { StarIcon } from './Icons.js';

const STEP_KEYS: Record<string, MessageKey> = {
  vip: 'step.vip',
  designated: 'step.designated',
  returning: 'step.returning',
  'skill-rules': 'step.skill-rules',
  'least-loaded': 'step.least-loaded',
  random: 'step.random',
  eligibility: 'step.eligibility',
  group: 'step.group',
  hours: 'step.hours',
};

/** A routing step's name as a small chip ("Returning customer"); unknown steps show as written. */
export function StepLabel({ step }: { step: string }) {
  const { t } = useI18n();
  const key = STEP_KEYS[step];
  return (
    <span className={`step-chip step-${step.replace(/[^a-z-]/g, '')}`} data-step={step}>
      {key ? t(key) : step}
    </span>
  );
}

export function stepKey(step: string): MessageKey | undefined {
  return STEP_KEYS[step];
}

/** A horizontal bar of load against capacity, coloured by how full it is, with the figures. */
export function LoadBar({
  load,
  capacity,
  compact = false,
}: {
  load: number;
  capacity: number;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const pct = loadPercent(load, capacity);
  return (
    <span
      className={`loadbar loadbar-${loadLevel(load, capacity)} ${compact ? 'loadbar-compact' : ''}`}
      title={t('sup.loadOf', { load, capacity })}
      data-testid="load-bar"
      data-load={load}
      data-capacity={capacity}
    >
      <span className="loadbar-track" aria-hidden="true">
        <span className="loadbar-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="loadbar-text">
        {load}/{capacity}
      </span>
    </span>
  );
}

export function PresenceBadge({ presence }: { presence: Presence }) {
  const { t } = useI18n();
  return (
    <span className={`presence-badge presence-${presence}`}>
      <span className="dot" aria-hidden="true" />
      {t(`presence.${presence}`)}
    </span>
  );
}

export function VipBadge() {
  return (
    <span className="vip-badge">
      <StarIcon /> VIP
    </span>
  );
}

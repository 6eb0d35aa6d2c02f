import { useCallback, useEffect, useRef, useState } from 'react';
import { VisavisError } from '@visavis/client';
import type { MessageKey, Params } from '../i18n/index.js';
import { ApiError } from './api.js';

/**
 * Calls `fn` now, then every `ms` while the tab is visible, and again when it becomes visible.
 * The latest `fn` is used each time, so callers need not memoise it.
 */
export function usePoll(fn: () => unknown, ms: number): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const run = () => {
      if (document.visibilityState !== 'hidden') void ref.current();
    };
    run();
    const timer = setInterval(run, ms);
    document.addEventListener('visibilitychange', run);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', run);
    };
  }, [ms]);
}

export type T = (key: MessageKey, params?: Params) => string;

/** The sentence for a failed request: known catalog codes get their own, the rest name the code. */
export function errorText(e: unknown, t: T): string {
  const code = e instanceof ApiError || e instanceof VisavisError ? e.code : 'INTERNAL';
  switch (code) {
    case 'AGENT_UNAVAILABLE':
      return t('err.agentUnavailable');
    case 'OFFER_NOT_RINGING':
      return t('err.offerGone');
    case 'FORBIDDEN':
      return t('err.forbidden');
    case 'NOT_FOUND':
      return t('err.notFound');
    case 'NETWORK':
    case 'DISCONNECTED':
    case 'TIMEOUT':
      return t('err.network');
    case 'RATE_LIMITED':
      return t('err.rateLimited');
    case 'CONVERSATION_CLOSED':
      return t('chat.closedError');
    case 'VALIDATION_FAILED': {
      const message = e instanceof Error ? e.message : '';
      const details = e instanceof ApiError ? e.details.map((d) => `${d.path}: ${d.message}`) : [];
      return t('err.validation', { details: [message, ...details].filter(Boolean).join(' · ') });
    }
    default:
      return t('err.generic', { code });
  }
}

/**
 * An admin screen's data: `load` runs on mount and on `reload()` (the latest `load` each time);
 * answers the last value loaded and, while the last try failed, its sentence (errorText).
 */
export function useLoaded<V>(load: () => Promise<V>, t: T): { value: V | null; error: string | null; reload: () => Promise<void> } {
  const [value, setValue] = useState<V | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef(load);
  ref.current = load;
  const reload = useCallback(async () => {
    try {
      setValue(await ref.current());
      setError(null);
    } catch (e) {
      setError(errorText(e, t));
    }
  }, [t]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, error, reload };
}

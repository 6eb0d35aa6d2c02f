import { VisavisError } from '@visavis/client';
import type { VisitorApi } from './api.js';
import type { Translate } from './i18n.js';

/** The latest `queue.position` push for the visitor's conversation. */
export interface QueueInfo {
  position: number;
  etaSeconds: number | null;
  closed: boolean;
}

/** Whole minutes of an estimate, at least one; null without an estimate. */
export function etaMinutes(etaSeconds: number | null): number | null {
  if (etaSeconds === null || !Number.isFinite(etaSeconds) || etaSeconds < 0) return null;
  return Math.max(1, Math.ceil(etaSeconds / 60));
}

/**
 * The line shown above the conversation while it waits: "You are number 2 in line · about 3 min",
 * "We're closed now", or a plain "waiting" before the first position arrives.
 */
export function queueText(q: QueueInfo | null, t: Translate): string {
  if (!q) return t('queueWaiting');
  if (q.closed) return t('closedTitle');
  if (!(q.position > 0)) return t('queueWaiting');
  const m = etaMinutes(q.etaSeconds);
  return m === null ? t('queuePosition', { n: q.position }) : t('queuePositionEta', { n: q.position, m });
}

export type OfflineState = 'idle' | 'sending' | 'sent';

export interface OfflineInput {
  name: string;
  contact: string;
  text: string;
}

/** What is wrong with the form as filled in, as the visitor reads it; null when it can be sent. */
export function offlineProblem(input: OfflineInput, t: Translate): string | null {
  if (!input.text.trim()) return t('offlineNeedText');
  if (input.text.trim().length > 4000) return t('messageTooLong', { max: 4000 });
  if (!input.contact.trim()) return t('offlineNeedContact');
  if (input.name.length > 100 || input.contact.length > 200) return t('offlineTooLong');
  return null;
}

/** Leave-a-message while the team is closed: sends once, then stays "sent" for this conversation. */
export class OfflineMessage {
  state: OfflineState = 'idle';
  error: string | null = null;

  constructor(
    private readonly api: VisitorApi,
    private readonly t: Translate,
    private readonly onChange: () => void,
  ) {}

  async send(input: OfflineInput, pageUrl: string): Promise<void> {
    if (this.state !== 'idle') return;
    const problem = offlineProblem(input, this.t);
    if (problem) {
      this.error = problem;
      this.onChange();
      return;
    }
    this.state = 'sending';
    this.error = null;
    this.onChange();
    try {
      await this.api.leaveMessage({
        name: input.name.trim(),
        contact: input.contact.trim(),
        text: input.text.trim(),
        ...(pageUrl ? { pageUrl: pageUrl.slice(0, 2000) } : {}),
      });
      this.state = 'sent';
    } catch (e) {
      this.state = 'idle';
      this.error = e instanceof VisavisError && e.code === 'RATE_LIMITED' ? this.t('offlineRateLimited') : this.t('offlineFailed');
    }
    this.onChange();
  }

  reset(): void {
    this.state = 'idle';
    this.error = null;
  }
}

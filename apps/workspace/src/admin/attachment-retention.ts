import type { AttachmentRetention, AttachmentRetentionRunAnswer, AttachmentSweepResult } from '@visavis/protocol';
import { call } from '../routing/api.js';
import { parseRetentionDays } from '../recordings/policy.js';

/** GET /api/admin/attachment-retention (docs/api.md, "Uploads"); the run answers what one pass removed. */
export type { AttachmentRetention, AttachmentSweepResult as RetentionRunResult };

const id = encodeURIComponent;

export const attachmentRetentionApi = {
  get: () => call<AttachmentRetention>('GET', '/api/admin/attachment-retention'),
  saveOrg: (days: number | null) => call<void>('PUT', '/api/admin/attachment-retention', { days }),
  saveGroup: (groupId: string, days: number | null) =>
    call<void>('PUT', `/api/admin/skill-groups/${id(groupId)}/attachment-retention`, { days }),
  run: async () => (await call<AttachmentRetentionRunAnswer>('POST', '/api/admin/attachment-retention/run')).result,
};

/** Where the days in effect come from: the row's own setting, the organisation's, or the server default. */
export type RetentionSource = 'own' | 'org' | 'default';

export interface RetentionInEffect {
  days: number;
  source: RetentionSource;
}

/** What a row inherits when its own box is empty: the organisation's days for a group, else the server default. */
export function inherited(data: AttachmentRetention, scope: 'org' | 'group'): RetentionInEffect {
  return scope === 'group' && data.orgDays !== null
    ? { days: data.orgDays, source: 'org' }
    : { days: data.defaultDays, source: 'default' };
}

/** The days in effect for a row whose saved setting is `own`. */
export function inEffect(data: AttachmentRetention, scope: 'org' | 'group', own: number | null): RetentionInEffect {
  return own === null ? inherited(data, scope) : { days: own, source: 'own' };
}

/** A days box as the API wants it: empty = null (inherit), a whole number 1–36500, or NaN when invalid. */
export function daysOfText(text: string): number | null {
  return text.trim() === '' ? null : parseRetentionDays(text);
}

/** The box's text for a saved setting. */
export function textOfDays(days: number | null): string {
  return days === null ? '' : String(days);
}

import { visitorDisplayName } from '@visavis/domain';
import type { useI18n } from '../i18n/react.js';

/**
 * The workspace's one way to name a visitor (inbox, queue, offers, visitor panel, calls,
 * notifications): their name, else "Visitor #TAG" from the visitor id, in the agent's language.
 */
export function visitorLabel(
  v: { visitorId: string; visitorName?: string | null | undefined },
  t: ReturnType<typeof useI18n>['t'],
): string {
  return visitorDisplayName({ id: v.visitorId, name: v.visitorName }, (tag) => t('list.visitor', { id: tag }));
}

import type { Media, QueueEntryView } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import type { AgentPrincipal } from '../identity/index.js';
import { readExplanation } from './explanation.js';
import { queueFigures } from './queue-figures.js';

/** Live queues for supervisors: who waits where, for how long, and why. */
export async function liveQueue(db: Database, clock: Clock, p: AgentPrincipal): Promise<QueueEntryView[]> {
  if (p.role !== 'admin' && p.role !== 'supervisor') throw new AppError('FORBIDDEN', 'Supervisors and admins only.');
  const now = clock.now().getTime();
  const figures = await queueFigures(db, p.orgId, now);
  const details = new Map(
    (
      await db.query<{ id: string; visitor_id: string; visitor_name: string | null; media: Media; entry_point: string | null; routing: unknown; page_url: string | null }>(
        `select c.id, c.visitor_id, v.name as visitor_name, c.media, c.entry_point, c.routing, c.page_url
         from conversations c join visitors v on v.id = c.visitor_id where c.org_id = $1 and c.status = 'queued'`,
        [p.orgId],
      )
    ).map((r) => [r.id, r]),
  );
  return figures.map(({ entry: e, position, etaSeconds }) => {
    const d = details.get(e.conversationId);
    return {
      conversationId: e.conversationId,
      visitorId: d?.visitor_id ?? '',
      visitorName: d?.visitor_name ?? null,
      groupId: e.groupId,
      vip: e.vip,
      media: d?.media ?? 'chat',
      entryPoint: d?.entry_point ?? null,
      pageUrl: d?.page_url ?? null,
      ringing: e.ringing,
      waitingMs: Math.max(0, now - e.enqueuedAt),
      position,
      etaSeconds,
      routing: readExplanation(d?.routing),
    };
  });
}

import type { OfferView } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';
import type { OfferRow } from './offer-store.js';
import { readExplanation, summary } from './explanation.js';

/** The bus payload for a ringing offer, with what the agent needs to decide. */
export async function offerPush(db: SqlExecutor, o: OfferRow): Promise<{ orgId: string; agentId: string; offer: OfferView }> {
  return { orgId: o.org_id, agentId: o.agent_id, offer: await offerView(db, o) };
}

export async function offerView(db: SqlExecutor, o: OfferRow): Promise<OfferView> {
  const [c] = await db.query<{ visitor_id: string; visitor_name: string | null; page_url: string | null; vip: boolean; media: OfferView['media']; group_name: string | null }>(
    `select c.visitor_id, v.name as visitor_name, c.page_url, c.vip, c.media, g.name as group_name
     from conversations c join visitors v on v.id = c.visitor_id left join skill_groups g on g.id = c.group_id
     where c.id = $1`,
    [o.conversation_id],
  );
  return {
    id: o.id,
    conversationId: o.conversation_id,
    visitorId: c?.visitor_id ?? '',
    visitorName: c?.visitor_name ?? null,
    pageUrl: c?.page_url ?? null,
    vip: c?.vip ?? false,
    media: c?.media ?? 'chat',
    groupName: c?.group_name ?? null,
    reason: summary(readExplanation(o.decision)).slice(0, 300),
    createdAt: new Date(o.created_at).toISOString(),
    expiresAt: new Date(o.expires_at).toISOString(),
  };
}

import type { AgentSnapshot, BusinessHours, Channel, ConversationFacts, Media, QueueEntry, SkillGroupFacts } from '@visavis/routing';
import type { DirectoryAgent, Presence, RoutingLogEntry, VisitorRoutingFactsView } from '@visavis/protocol';
import type { SqlExecutor } from '../ports/database.js';

/** Reads that build the routing engine's snapshot, and what routing left on a conversation. Plain data out; no decisions here. */
export const RoutingStore = {
  /** Colleagues for any agent (transfer targets, names in explanations): no load, no contacts. */
  async directory(db: SqlExecutor, orgId: string): Promise<DirectoryAgent[]> {
    const rows = await db.query<{ id: string; name: string; presence: Presence; group_ids: string[] | null }>(
      `select a.id, a.name, a.presence,
              (select array_agg(m.group_id::text order by m.group_id) from skill_group_members m where m.agent_id = a.id) as group_ids
       from agents a where a.org_id = $1 and a.active order by a.name, a.id`,
      [orgId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, presence: r.presence, groupIds: r.group_ids ?? [] }));
  },
  /** A visitor's routing facts (routing's columns of the visitor): VIP, tags, attributes. */
  async visitorFacts(db: SqlExecutor, orgId: string, visitorId: string): Promise<VisitorRoutingFactsView | undefined> {
    const [v] = await db.query<{ vip: boolean; tags: string[] | null; attributes: Record<string, string | number | boolean> | null }>(
      'select vip, tags, attributes from visitors where id::text = $1 and org_id = $2',
      [visitorId, orgId],
    );
    return v ? { vip: v.vip, tags: v.tags ?? [], attributes: v.attributes ?? {} } : undefined;
  },
  /** The conversation's stored decision (jsonb as stored: read it with `readExplanation`) and target group. */
  async decisionOf(db: SqlExecutor, conversationId: string): Promise<{ routing: unknown; groupId: string | null } | undefined> {
    const [row] = await db.query<{ routing: unknown; group_id: string | null }>('select routing, group_id from conversations where id = $1', [conversationId]);
    return row && { routing: row.routing, groupId: row.group_id };
  },

  /** Every load change and routing fact of the conversation (`routing_log`), oldest first. */
  async log(db: SqlExecutor, conversationId: string): Promise<RoutingLogEntry[]> {
    const rows = await db.query<{
      kind: string; agent_id: string | null; delta: number; load_after: number | null; capacity: number | null; detail: unknown; at: string | Date;
    }>('select kind, agent_id, delta, load_after, capacity, detail, at from routing_log where conversation_id = $1 order by id', [conversationId]);
    return rows.map((r) => ({
      kind: r.kind,
      agentId: r.agent_id,
      delta: r.delta,
      loadAfter: r.load_after,
      capacity: r.capacity,
      detail: typeof r.detail === 'object' && r.detail !== null && !Array.isArray(r.detail) ? (r.detail as Record<string, unknown>) : null,
      at: new Date(r.at).toISOString(),
    }));
  },

  /** Every agent of the organisation as the engine sees them (a full load of routing's view). */
  async agents(db: SqlExecutor, orgId: string): Promise<AgentSnapshot[]> {
    return (await db.query<AgentSnapshotRow>(`${AGENT_SNAPSHOT} where a.org_id = $1`, [orgId])).map(toAgentSnapshot);
  },

  /** One agent as the engine sees them, after an event about them; undefined when not in the organisation. */
  async agent(db: SqlExecutor, orgId: string, agentId: string): Promise<AgentSnapshot | undefined> {
    const [row] = await db.query<AgentSnapshotRow>(`${AGENT_SNAPSHOT} where a.org_id = $1 and a.id = $2`, [orgId, agentId]);
    return row && toAgentSnapshot(row);
  },

  async groups(db: SqlExecutor, orgId: string): Promise<SkillGroupFacts[]> {
    const rows = await db.query<{
      id: string; name: string; hours: BusinessHours | null; overflow_after_ms: number | null; overflow_group_id: string | null;
    }>('select id, name, hours, overflow_after_ms, overflow_group_id from skill_groups where org_id = $1', [orgId]);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      hours: r.hours,
      overflowAfterMs: r.overflow_after_ms,
      overflowGroupId: r.overflow_group_id,
    }));
  },

  /** Everything the engine needs to know about one queued conversation and its visitor. */
  async conversation(db: SqlExecutor, conversationId: string, now: Date): Promise<ConversationFacts | undefined> {
    const [c] = await db.query<{
      id: string; visitor_id: string; channel: Channel; media: Media; entry_point: string | null; page_url: string | null;
      queued_at: string | null; created_at: string; group_id: string | null; designated_agent_id: string | null;
      vip: boolean; language: string | null; v_language: string | null; tags: string[]; attributes: Record<string, string | number | boolean>;
      v_vip: boolean;
    }>(
      `select c.id, c.visitor_id, c.channel, c.media, c.entry_point, c.page_url, c.queued_at, c.created_at, c.group_id,
              c.designated_agent_id, c.vip, c.language, v.language as v_language, v.tags, v.attributes, v.vip as v_vip
       from conversations c join visitors v on v.id = c.visitor_id where c.id = $1`,
      [conversationId],
    );
    if (!c) return undefined;
    // The last 50 served conversations are plenty for "last" and "most frequent" within a window.
    const history = await db.query<{ agent_id: string; at: string }>(
      `select agent_id, coalesce(closed_at, last_activity_at) as at from conversations
       where visitor_id = $1 and id <> $2 and agent_id is not null
       order by created_at desc limit 50`,
      [c.visitor_id, c.id],
    );
    const refusals = await db.query<{ agent_id: string; at: string; status: 'declined' | 'timeout' }>(
      `select agent_id, coalesce(decided_at, expires_at) as at, status from offers
       where conversation_id = $1 and status in ('declined', 'timeout')`,
      [c.id],
    );
    return {
      id: c.id,
      channel: c.channel,
      media: c.media,
      entryPoint: c.entry_point,
      pageUrl: c.page_url,
      visitor: {
        id: c.visitor_id,
        language: c.language ?? c.v_language,
        tags: c.tags ?? [],
        attributes: c.attributes ?? {},
        vip: c.vip || c.v_vip,
        designatedAgentId: c.designated_agent_id,
      },
      enqueuedAt: Date.parse(c.queued_at ?? c.created_at) || now.getTime(),
      groupId: c.group_id,
      history: history.map((h) => ({ agentId: h.agent_id, at: Date.parse(h.at) })),
      refusals: refusals.map((r) => ({ agentId: r.agent_id, at: Date.parse(r.at), reason: r.status })),
    };
  },

  /**
   * Queued conversations in queue order (VIP first, then oldest), with whether an offer rings for
   * each and whether routing has decided them yet. `scope` narrows it to what one pass can serve:
   * `arrivalsWith` the undecided arrivals plus that conversation; `groupIds` the conversations
   * targeting those groups, not yet targeted (null group), or `designatedAgentId`'s.
   */
  async queue(db: SqlExecutor, orgId: string, scope: QueueScope = {}, limit = 1000): Promise<QueueRow[]> {
    const where: string[] = [];
    const params: unknown[] = [orgId, limit];
    if (scope.arrivalsWith !== undefined) {
      params.push(scope.arrivalsWith);
      where.push(`(c.routing is null or c.id = $${params.length})`);
    }
    if (scope.groupIds !== undefined) {
      params.push(scope.groupIds);
      const inGroups = `c.group_id = any($${params.length}::uuid[])`;
      params.push(scope.designatedAgentId ?? null);
      where.push(`(c.group_id is null or ${inGroups} or c.designated_agent_id = $${params.length}::uuid)`);
    }
    const rows = await db.query<{ id: string; group_id: string | null; vip: boolean; queued_at: string; visitor_id: string; ringing: boolean; decided: boolean }>(
      `select c.id, c.group_id, c.vip, coalesce(c.queued_at, c.created_at) as queued_at, c.visitor_id,
              exists (select 1 from offers o where o.conversation_id = c.id and o.status = 'ringing') as ringing,
              c.routing is not null as decided
       from conversations c where c.org_id = $1 and c.status = 'queued' ${where.map((w) => `and ${w}`).join(' ')}
       order by c.vip desc, c.queued_at, c.id limit $2`,
      params,
    );
    return rows.map((r) => ({
      conversationId: r.id,
      groupId: r.group_id,
      vip: r.vip,
      enqueuedAt: Date.parse(r.queued_at),
      visitorId: r.visitor_id,
      ringing: r.ringing,
      decided: r.decided,
    }));
  },

  /** Average handling time of recent conversations (ms), for wait estimates. */
  async averageHandleMs(db: SqlExecutor, orgId: string): Promise<number | null> {
    const [r] = await db.query<{ ms: number | null }>(
      `select avg(extract(epoch from (closed_at - assigned_at)) * 1000)::float8 as ms from (
         select closed_at, assigned_at from conversations
         where org_id = $1 and status = 'closed' and assigned_at is not null
         order by closed_at desc limit 100) recent`,
      [orgId],
    );
    return r?.ms ?? null;
  },
};

export type QueueRow = QueueEntry & { visitorId: string; ringing: boolean; decided: boolean };

export interface QueueScope {
  arrivalsWith?: string;
  groupIds?: readonly string[];
  designatedAgentId?: string | null;
}

interface AgentSnapshotRow {
  id: string; presence: AgentSnapshot['state']; capacity: number; load: number;
  last_assigned_at: string | null; wrap_up_until: string | null; groups: string[] | null;
}

const AGENT_SNAPSHOT = `select a.id, a.presence, a.capacity, a.load, a.last_assigned_at, a.wrap_up_until,
       (select array_agg(m.group_id::text) from skill_group_members m where m.agent_id = a.id) as groups
  from agents a`;

function toAgentSnapshot(r: AgentSnapshotRow): AgentSnapshot {
  return {
    id: r.id,
    state: r.presence,
    capacity: r.capacity,
    load: r.load,
    groups: r.groups ?? [],
    lastAssignedAt: r.last_assigned_at ? Date.parse(r.last_assigned_at) : null,
    wrapUpUntil: r.wrap_up_until ? Date.parse(r.wrap_up_until) : null,
  };
}

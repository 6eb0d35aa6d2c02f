import { AppError, notFound } from '../platform/errors.js';
import type { SqlExecutor } from '../ports/database.js';
import { ConversationStore, type ConversationRow } from './conversation-store.js';
import { isSupervisor, type Principal } from '../identity/index.js';

/**
 * Authorization on every conversation read and write. A visitor sees only their own
 * conversations; an agent the ones assigned to them now or before, and every conversation of a
 * visitor they are serving now (for the visitor panel's history); supervisors and admins see
 * their organisation's. Anything else is NOT_FOUND, so ids cannot be probed.
 */
export async function canRead(db: SqlExecutor, p: Principal, c: ConversationRow): Promise<boolean> {
  if (c.org_id !== p.orgId) return false;
  if (p.kind === 'visitor') return c.visitor_id === p.visitorId;
  if (isSupervisor(p) || c.agent_id === p.agentId) return true;
  const serving = await db.query(
    `select 1 from conversations where visitor_id = $1 and agent_id = $2 and status <> 'closed' limit 1`,
    [c.visitor_id, p.agentId],
  );
  return serving.length > 0;
}

/** Writing (messages, close) needs more than reading: the visitor, or the assigned agent/supervisor. */
export function canWrite(p: Principal, c: ConversationRow): boolean {
  if (c.org_id !== p.orgId) return false;
  if (p.kind === 'visitor') return c.visitor_id === p.visitorId;
  return c.agent_id === p.agentId || isSupervisor(p);
}

export async function readableConversation(db: SqlExecutor, p: Principal, id: string): Promise<ConversationRow> {
  const c = await ConversationStore.byId(db, id);
  if (!c || !(await canRead(db, p, c))) throw notFound('No such conversation.');
  return c;
}

/** Locks the conversation (for writers) after checking the principal may write to it. */
export async function lockWritable(tx: SqlExecutor, p: Principal, id: string): Promise<ConversationRow> {
  const c = await ConversationStore.lock(tx, id);
  if (!c || !(await canRead(tx, p, c))) throw notFound('No such conversation.');
  if (!canWrite(p, c)) throw new AppError('FORBIDDEN', 'Only the assigned agent may write here.');
  return c;
}

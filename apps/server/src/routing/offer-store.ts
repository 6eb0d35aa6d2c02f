import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../ports/database.js';

export type OfferStatus = 'ringing' | 'accepted' | 'declined' | 'timeout' | 'cancelled';

export interface OfferRow {
  id: string;
  org_id: string;
  conversation_id: string;
  agent_id: string;
  weight: number;
  status: OfferStatus;
  decision: unknown;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
}

export const OfferStore = {
  async create(
    tx: SqlExecutor,
    o: { orgId: string; conversationId: string; agentId: string; weight: number; status: OfferStatus; decision: unknown; now: Date; expiresAt: Date },
  ): Promise<OfferRow> {
    const [row] = await tx.query<OfferRow>(
      `insert into offers (id, org_id, conversation_id, agent_id, weight, status, decision, created_at, expires_at, decided_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
      [
        randomUUID(), o.orgId, o.conversationId, o.agentId, o.weight, o.status, JSON.stringify(o.decision),
        o.now.toISOString(), o.expiresAt.toISOString(), o.status === 'ringing' ? null : o.now.toISOString(),
      ],
    );
    return row!;
  },
  /** Locks a ringing offer; undefined if it was already answered, timed out or cancelled. */
  async lockRinging(tx: SqlExecutor, id: string): Promise<OfferRow | undefined> {
    return (await tx.query<OfferRow>(`select * from offers where id = $1 and status = 'ringing' for update`, [id]))[0];
  },
  async ringingFor(tx: SqlExecutor, conversationId: string): Promise<OfferRow | undefined> {
    return (await tx.query<OfferRow>(`select * from offers where conversation_id = $1 and status = 'ringing'`, [conversationId]))[0];
  },
  async ringingForAgent(db: SqlExecutor, agentId: string): Promise<OfferRow[]> {
    return db.query<OfferRow>(`select * from offers where agent_id = $1 and status = 'ringing' order by created_at`, [agentId]);
  },
  async finish(tx: SqlExecutor, id: string, status: Exclude<OfferStatus, 'ringing'>, now: Date): Promise<void> {
    await tx.query('update offers set status = $2, decided_at = $3 where id = $1', [id, status, now.toISOString()]);
  },
  async byId(db: SqlExecutor, id: string): Promise<OfferRow | undefined> {
    return (await db.query<OfferRow>('select * from offers where id = $1', [id]))[0];
  },
};

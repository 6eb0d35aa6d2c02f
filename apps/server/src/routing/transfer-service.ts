import { assertTransition } from '@visavis/domain';
import type { Media } from '@visavis/protocol';
import { AppError } from '../platform/errors.js';
import type { Clock } from '../ports/clock.js';
import { lockWritable, ConversationStore, recordTimeline } from '../conversations/index.js';
import type { AgentPrincipal } from '../identity/index.js';
import type { UnitOfWork } from '../platform/outbox/unit-of-work.js';
import { Capacity } from './capacity.js';
import { RoutingConfigs } from './routing-configs.js';
import { releaseConversation } from './release.js';

export interface TransferInput {
  conversationId: string;
  agentId?: string | undefined;
  groupId?: string | undefined;
  note: string;
}

/**
 * Hands a live conversation to another agent (who must have room now) or back to the queue of a
 * skill group. It stays the same conversation: history, visitor context and sequence continue,
 * and the timeline records who moved it where, with the note.
 */
export class TransferService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async transfer(p: AgentPrincipal, input: TransferInput): Promise<void> {
    if (!input.agentId === !input.groupId) {
      throw new AppError('VALIDATION_FAILED', 'Give either agentId or groupId.');
    }
    await this.uow.run(async (tx, fx) => {
      const c = await lockWritable(tx, p, input.conversationId);
      if (c.status === 'closed') throw new AppError('CONVERSATION_CLOSED');
      const now = this.clock.now();
      const at = { orgId: c.org_id, conversationId: c.id, now };
      const [from] = c.agent_id ? await tx.query<{ id: string; name: string }>('select id, name from agents where id = $1', [c.agent_id]) : [];

      if (input.agentId) {
        if (input.agentId === c.agent_id) throw new AppError('VALIDATION_FAILED', 'The conversation is already with that agent.');
        const [target] = await tx.query<{ id: string; name: string }>(
          'select id, name from agents where id::text = $1 and org_id = $2',
          [input.agentId, c.org_id],
        );
        if (!target) throw new AppError('NOT_FOUND', 'No such agent.');
        const { policy } = await RoutingConfigs.get(tx, c.org_id);
        const [{ media } = { media: 'chat' as Media }] = await tx.query<{ media: Media }>('select media from conversations where id = $1', [c.id]);
        const weight = policy.weights[media];
        // Released first (one conversation hold at a time); no room at the target rolls it all back.
        await releaseConversation(tx, fx, c, now, { wrapUp: false });
        const took = await Capacity.hold(tx, { orgId: c.org_id, agentId: target.id, conversationId: c.id, kind: 'conversation', weight, now, reason: 'transfer-in' });
        if (!took) throw new AppError('AGENT_UNAVAILABLE');
        assertTransition(c.status, 'assigned');
        await ConversationStore.setStatus(tx, c.id, { status: 'assigned', agentId: target.id, now });
        await tx.query('update conversations set recheck_at = null where id = $1', [c.id]);
        await recordTimeline(tx, fx, at, {
          type: 'conversation.transferred', from: from ?? null, to: { kind: 'agent', id: target.id, name: target.name }, note: input.note,
        });
        await recordTimeline(tx, fx, at, {
          type: 'conversation.assigned', agent: target, reason: `transferred by ${p.name}`,
        });
        await Capacity.note(tx, { orgId: c.org_id, agentId: target.id, conversationId: c.id, kind: 'transfer', now, detail: { from: from?.id ?? null, by: p.agentId } });
        fx.inboxChanged(c.org_id, c.agent_id, c.id);
        fx.inboxChanged(c.org_id, target.id, c.id);
        return;
      }

      const [group] = await tx.query<{ id: string; name: string }>(
        'select id, name from skill_groups where id::text = $1 and org_id = $2',
        [input.groupId, c.org_id],
      );
      if (!group) throw new AppError('NOT_FOUND', 'No such skill group.');
      await releaseConversation(tx, fx, c, now, { wrapUp: false });
      assertTransition(c.status, 'queued');
      await ConversationStore.setStatus(tx, c.id, { status: 'queued', agentId: null, now });
      await tx.query('update conversations set group_id = $2, recheck_at = null where id = $1', [c.id, group.id]);
      await recordTimeline(tx, fx, at, {
        type: 'conversation.transferred', from: from ?? null, to: { kind: 'group', id: group.id, name: group.name }, note: input.note,
      });
      await recordTimeline(tx, fx, at, { type: 'conversation.queued', reason: `transferred to ${group.name}` });
      await Capacity.note(tx, { orgId: c.org_id, agentId: null, conversationId: c.id, kind: 'transfer', now, detail: { group: group.id, by: p.agentId } });
      fx.inboxChanged(c.org_id, c.agent_id, c.id);
    });
  }
}

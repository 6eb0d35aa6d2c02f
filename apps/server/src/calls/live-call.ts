import type { Principal } from '../identity/index.js';
import type { CallRow, Party } from './call-store.js';

/** Who takes part in a live call, as they were when it became live on this node. */
export interface LiveCallParties {
  visitorId: string;
  agentId: string | null;
}

/**
 * A live call as this node holds it: the call's fixed facts (media node and room, profile,
 * recording directory), who its parties are, and whether it is still live here. Signalling that
 * comes many times a second (ICE candidates, receive stats, layer switches) is served from it
 * without touching the database. It is closed when the call ends anywhere (`call.ended` on the
 * bus), when its conversation changes hands (the next request reloads and checks again), and when
 * the node shuts down; a closed LiveCall authorises nobody.
 */
export class LiveCall {
  private isClosed = false;

  constructor(
    /** The row when the call went live: status, feeds and recording state here are not kept up to date. */
    readonly call: CallRow,
    readonly parties: LiveCallParties,
  ) {}

  get id(): string {
    return this.call.id;
  }

  get conversationId(): string {
    return this.call.conversation_id;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The party this principal is in the call, or null (not a party, or the call is closed here). */
  partyOf(p: Principal): Party | null {
    if (this.isClosed || p.orgId !== this.call.org_id) return null;
    if (p.kind === 'visitor') return p.visitorId === this.parties.visitorId ? 'visitor' : null;
    return this.parties.agentId !== null && p.agentId === this.parties.agentId ? 'agent' : null;
  }

  close(): void {
    this.isClosed = true;
  }
}

/** This node's live calls by id, closed in a cascade with the node. */
export class LiveCalls {
  private readonly byId = new Map<string, LiveCall>();

  get(callId: string): LiveCall | undefined {
    return this.byId.get(callId);
  }

  add(live: LiveCall): LiveCall {
    this.byId.get(live.id)?.close();
    this.byId.set(live.id, live);
    return live;
  }

  /** The call ended, or its conversation changed hands: forget it (a later request reloads). */
  drop(callId: string): void {
    this.byId.get(callId)?.close();
    this.byId.delete(callId);
  }

  dropConversation(conversationId: string): void {
    for (const live of [...this.byId.values()]) if (live.conversationId === conversationId) this.drop(live.id);
  }

  closeAll(): void {
    for (const id of [...this.byId.keys()]) this.drop(id);
  }

  get size(): number {
    return this.byId.size;
  }
}

import { AgentBoard, type SkillGroupFacts } from '@visavis/routing';
import type { RoutingConfig } from '@visavis/protocol';
import type { Database } from '../ports/database.js';
import type { Clock } from '../ports/clock.js';
import { RoutingConfigs } from './routing-configs.js';
import { RoutingStore } from './routing-store.js';

/**
 * How long this node trusts its view of an organisation before reading it whole again. Changes
 * this node hears of (events, its own holds, admin changes) update the view at once; the reload
 * catches what it cannot hear, chiefly changes made by another server process on the same
 * database until the bus carries events between processes.
 */
export const FULL_RELOAD_MS = 10_000;

/** One organisation's routing inputs as this node last knew them. */
export interface OrgInputs {
  readonly board: AgentBoard;
  groups: readonly SkillGroupFacts[];
  /** Per entry point ('' = the organisation's own), read on first use. */
  readonly configs: Map<string, RoutingConfig>;
}

interface Entry extends OrgInputs {
  loadedAt: number;
  /** The full load in progress; the first one is awaited, later ones run behind decisions. */
  loading: Promise<void> | null;
  /** Settings changed on this node: the next use waits for a fresh full load. */
  mustReload: boolean;
  /** Bumped by each settings change, so a load that read before it does not clear mustReload. */
  settingsVersion: number;
}

/**
 * The decision's inputs (agents' presence, load, capacity, wrap-up and groups; skill groups;
 * routing configs), kept per organisation and updated incrementally instead of being read whole
 * for every decision. A cache, never the authority: the apply transaction re-checks presence and
 * room in SQL, and a refusal re-reads the agent and decides again. So a stale view can cost a
 * second decision or, for an agent freed on another node, up to FULL_RELOAD_MS of not being
 * offered work by this node; it cannot assign anything twice or beyond capacity.
 */
export class RoutingInputs {
  private readonly orgs = new Map<string, Entry>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly reloadMs = FULL_RELOAD_MS,
  ) {}

  /** The organisation's view: read whole the first time, after a settings change, and in the background once it is old. */
  async forOrg(orgId: string): Promise<OrgInputs> {
    let entry = this.orgs.get(orgId);
    if (!entry) {
      entry = { board: new AgentBoard(), groups: [], configs: new Map(), loadedAt: 0, loading: null, mustReload: true, settingsVersion: 0 };
      this.orgs.set(orgId, entry);
    }
    if (entry.mustReload) while (entry.mustReload) await this.reload(orgId, entry);
    else if (this.clock.now().getTime() - entry.loadedAt >= this.reloadMs) void this.reload(orgId, entry).catch(() => undefined);
    return entry;
  }

  async config(inputs: OrgInputs, orgId: string, entryPoint: string | null): Promise<RoutingConfig> {
    const key = entryPoint ?? '';
    let config = inputs.configs.get(key);
    if (!config) {
      config = await RoutingConfigs.get(this.db, orgId, entryPoint);
      inputs.configs.set(key, config);
    }
    return config;
  }

  /** An agent's presence, load, capacity or groups changed (an event, a refused hold): read them again. */
  async agentChanged(orgId: string, agentId: string): Promise<void> {
    const entry = this.orgs.get(orgId);
    if (!entry || entry.mustReload) return; // the next use reads everyone anyway
    const row = await RoutingStore.agent(this.db, orgId, agentId);
    if (row) entry.board.put(row);
    else entry.board.remove(agentId);
  }

  /** Skill groups, memberships or routing configs changed: the next decision reads everything again. */
  settingsChanged(orgId: string): void {
    const entry = this.orgs.get(orgId);
    if (!entry) return;
    entry.mustReload = true;
    entry.settingsVersion++;
  }

  private reload(orgId: string, entry: Entry): Promise<void> {
    entry.loading ??= (async () => {
      try {
        const version = entry.settingsVersion;
        const token = entry.board.beginReload();
        const [agents, groups] = await Promise.all([RoutingStore.agents(this.db, orgId), RoutingStore.groups(this.db, orgId)]);
        entry.board.finishReload(token, agents);
        entry.groups = groups;
        entry.configs.clear();
        entry.loadedAt = this.clock.now().getTime();
        if (entry.settingsVersion === version) entry.mustReload = false;
      } finally {
        entry.loading = null;
      }
    })();
    return entry.loading;
  }
}

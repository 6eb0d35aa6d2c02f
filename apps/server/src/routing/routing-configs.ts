import { RoutingConfig } from '@visavis/protocol';
import { defaultPolicy } from '@visavis/routing';
import type { SqlExecutor } from '../ports/database.js';

/** What an organisation gets until an admin saves its own routing configuration. */
export function defaultRoutingConfig(): RoutingConfig {
  return { policy: defaultPolicy() as RoutingConfig['policy'], ringTimeoutMs: 20_000, maxMissedOffers: 3, wrapUpMs: 0 };
}

/**
 * Routing configuration per organisation, optionally overridden per entry point. Stored rows are
 * validated on read as well as on write, so a bad row (hand-edited, older version) falls back
 * to the default instead of breaking routing for the whole organisation.
 */
export const RoutingConfigs = {
  async get(db: SqlExecutor, orgId: string, entryPoint: string | null = null): Promise<RoutingConfig> {
    const rows = await db.query<{ entry_point: string; config: unknown }>(
      `select entry_point, config from routing_configs where org_id = $1 and entry_point in ('', $2)`,
      [orgId, entryPoint ?? ''],
    );
    const pick = rows.find((r) => r.entry_point !== '' && r.entry_point === entryPoint) ?? rows.find((r) => r.entry_point === '');
    if (!pick) return defaultRoutingConfig();
    const parsed = RoutingConfig.safeParse(pick.config);
    return parsed.success ? parsed.data : defaultRoutingConfig();
  },
  async put(db: SqlExecutor, orgId: string, entryPoint: string | null, config: RoutingConfig): Promise<void> {
    await db.query(
      `insert into routing_configs (org_id, entry_point, config, updated_at) values ($1, $2, $3, now())
       on conflict (org_id, entry_point) do update set config = excluded.config, updated_at = now()`,
      [orgId, entryPoint ?? '', JSON.stringify(RoutingConfig.parse(config))],
    );
  },
  async list(db: SqlExecutor, orgId: string): Promise<{ entryPoint: string | null; config: RoutingConfig }[]> {
    const rows = await db.query<{ entry_point: string; config: unknown }>(
      'select entry_point, config from routing_configs where org_id = $1 order by entry_point',
      [orgId],
    );
    return rows.flatMap((r) => {
      const parsed = RoutingConfig.safeParse(r.config);
      return parsed.success ? [{ entryPoint: r.entry_point || null, config: parsed.data }] : [];
    });
  },
};

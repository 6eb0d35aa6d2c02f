import { PeriodicJob } from '../platform/jobs/periodic-job.js';
import type { Database } from '../ports/database.js';

/**
 * Routing is event-driven (outbox rows written by the change that frees or queues something).
 * This slow sweep only catches what an event could have missed, e.g. a node that crashed between
 * commit and dispatch with its outbox lease not yet expired: it drains every organisation that
 * has conversations waiting.
 */
export class RoutingSafetyNet extends PeriodicJob {
  constructor(
    private readonly db: Database,
    private readonly drain: (orgId: string) => Promise<number>,
    onError: (e: unknown) => void,
  ) {
    super(onError);
  }

  start(everyMs = 60_000): void {
    this.startEvery(everyMs);
  }

  async sweep(): Promise<number> {
    const orgs = await this.db.query<{ org_id: string }>(`select distinct org_id from conversations where status = 'queued'`);
    let handed = 0;
    for (const o of orgs) handed += await this.drain(o.org_id);
    return handed;
  }
}

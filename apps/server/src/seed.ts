import { randomBytes } from 'node:crypto';
import type { Role } from '@visavis/protocol';
import type { Database } from './ports/database.js';
import { hashPassword } from './security/passwords.js';
import { AgentStore } from './stores/agent-store.js';
import { OrgStore, type OrgRow } from './stores/org-store.js';

export const DEMO_SITE_KEY = 'demo-bank';

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.visavis.local', name: 'Admin 管理员', role: 'admin' },
  { email: 'supervisor@demo.visavis.local', name: 'Wang Fang 王芳', role: 'supervisor' },
  { email: 'agent1@demo.visavis.local', name: 'Li Na 李娜', role: 'agent' },
  { email: 'agent2@demo.visavis.local', name: 'Chen Wei 陈伟', role: 'agent' },
];

/** First start only: one organisation and the demo accounts. Later starts change nothing. */
export async function seedDemo(db: Database, password: string): Promise<{ org: OrgRow; created: boolean }> {
  const existing = await OrgStore.bySiteKey(db, DEMO_SITE_KEY);
  if (existing) return { org: existing, created: false };
  const hash = await hashPassword(password);
  const org = await db.transaction(async (tx) => {
    const o = await OrgStore.create(tx, {
      name: 'Visavis Demo Bank',
      site_key: DEMO_SITE_KEY,
      identity_secret: randomBytes(32).toString('hex'),
    });
    for (const a of DEMO_ACCOUNTS) {
      await AgentStore.create(tx, { orgId: o.id, email: a.email, name: a.name, role: a.role, passwordHash: hash });
    }
    return o;
  });
  return { org, created: true };
}

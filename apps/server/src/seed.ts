import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@visavis/protocol';
import type { Database, SqlExecutor } from './ports/database.js';
import { hashPassword, verifyPassword, AgentStore, OrgStore, type OrgRow } from './identity/index.js';
import { defaultRoutingConfig, RoutingConfigs } from './routing/index.js';
import { ConfigError } from './platform/config.js';

export const DEMO_SITE_KEY = 'demo-bank';

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.visavis.local', name: 'Admin 管理员', role: 'admin' },
  { email: 'supervisor@demo.visavis.local', name: 'Wang Fang 王芳', role: 'supervisor' },
  { email: 'agent1@demo.visavis.local', name: 'Li Na 李娜', role: 'agent' },
  { email: 'agent2@demo.visavis.local', name: 'Chen Wei 陈伟', role: 'agent' },
];

/** The documented default; checked in production even when DEMO_PASSWORD was changed. */
const DEFAULT_DEMO_PASSWORD = 'visavis-demo';

/** The demo runs on a plain `npm start`; never in production, and not when SEED_DEMO=false. */
export function wantsDemoSeed(config: { SEED_DEMO: string; production: boolean }): boolean {
  return config.SEED_DEMO === 'true' && !config.production;
}

/**
 * Production refuses to start while any account of the demo organisation (seeded by an earlier
 * non-production start of the same database) still signs in with the demo password, which is
 * printed in the README and on every demo start.
 */
export async function refuseDemoPasswords(db: SqlExecutor, demoPassword: string): Promise<void> {
  const accounts = await db.query<{ email: string; password_hash: string }>(
    `select a.email, a.password_hash from agents a join orgs o on o.id = a.org_id
     where o.site_key = $1 and a.active and a.password_hash <> '' order by a.email`,
    [DEMO_SITE_KEY],
  );
  const candidates = [...new Set([demoPassword, DEFAULT_DEMO_PASSWORD])];
  const exposed: string[] = [];
  for (const a of accounts) {
    for (const pw of candidates) {
      if (await verifyPassword(pw, a.password_hash)) {
        exposed.push(a.email);
        break;
      }
    }
  }
  if (exposed.length > 0) {
    throw new ConfigError(
      `Refusing to start in production: ${exposed.length} demo account(s) still have the demo password (${exposed.join(', ')}).\n` +
        '  Change their passwords or deactivate them (start once without VISAVIS_PRODUCTION/NODE_ENV=production, as an admin),\n' +
        '  or use a fresh database and create the real organisation with: npm run visavis -- init --org "Name" --admin you@example.com',
    );
  }
}

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
    const ids: Record<string, string> = {};
    for (const a of DEMO_ACCOUNTS) {
      ids[a.email] = (await AgentStore.create(tx, { orgId: o.id, email: a.email, name: a.name, role: a.role, passwordHash: hash })).id;
    }
    // Two skill groups to show routing with; the default policy routes to any agent until an
    // admin adds skill rules that target them.
    const groups: [string, string[]][] = [
      ['General 综合业务', ['agent1@demo.visavis.local', 'agent2@demo.visavis.local']],
      ['Wealth 财富管理', ['agent1@demo.visavis.local']],
    ];
    const groupIds: string[] = [];
    for (const [name, members] of groups) {
      const id = randomUUID();
      groupIds.push(id);
      await tx.query('insert into skill_groups (id, org_id, name) values ($1, $2, $3)', [id, o.id, name]);
      for (const m of members) {
        await tx.query('insert into skill_group_members (org_id, group_id, agent_id) values ($1, $2, $3)', [o.id, id, ids[m]]);
      }
    }
    await seedWealthDualRecording(tx, o.id, groupIds[1]!);
    return o;
  });
  return { org, created: true };
}

/**
 * The demo page's "wealth adviser" button opens the widget with entry point `wealth`, which routes
 * into the Wealth group; fund sales are recorded in dual-recording mode (雙錄) with a short script,
 * so a first start shows the notice, the script and the recording without any set-up.
 */
async function seedWealthDualRecording(tx: SqlExecutor, orgId: string, wealthId: string): Promise<void> {
  const script = [
    'Confirm the customer’s identity · 核实客户身份',
    'Read out the product’s risk level (R3) · 宣读产品风险等级（R3）',
    'Explain that capital and returns are not guaranteed · 说明本金与收益不保证',
    'Ask for the customer’s explicit consent · 征得客户明确同意',
  ];
  await tx.query(
    `update skill_groups set recording_mode = 'mandatory', dual_recording = true, recording_script = $2 where id = $1`,
    [wealthId, JSON.stringify(script)],
  );
  const base = defaultRoutingConfig();
  await RoutingConfigs.put(tx, orgId, 'wealth', {
    ...base,
    policy: { ...base.policy, chain: [{ kind: 'skill-rules', rules: [], defaultGroupId: wealthId }, { kind: 'least-loaded' }] },
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountsAnswer, InvitedAgentAnswer, PasswordLinkInfo, SessionsAnswer, SessionsEndedAnswer, SignedInAgent, TotpEnrolment, TotpStatus,
} from '@visavis/protocol';
import { run } from '../src/cli/main.js';
import type { Output } from '../src/cli/output.js';
import { loadConfig } from '../src/platform/config.js';
import { base32Decode, totpAt } from '../src/identity/totp.js';
import { sha256Hex } from '../src/identity/tokens.js';
import { DEMO_SITE_KEY } from '../src/seed.js';
import { startServer, type RunningServer } from '../src/server.js';
import { agentConnection, DEMO_PASSWORD, waitFor } from './support.js';

/** A clock the tests move forward (idle timeout, TOTP steps); the server and the codes share it. */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };
const PUBLIC_URL = 'https://support.example.test';

function capture(): Output & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, log: (l) => out.push(l), error: (l) => err.push(l) };
}

async function boot(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer(
    loadConfig({
      PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_PASSWORD, JANUS_BIN: 'off', PUBLIC_URL,
      LOGIN_RATE_PER_MINUTE: '1000', LOGIN_RATE_PER_ADDRESS_PER_MINUTE: '1000', SESSION_IDLE_MINUTES: '60', ...env,
    }),
    clock,
  );
}

/** PUBLIC_URL is not where the test server listens: requests go to the bound address. */
function localUrl(s: RunningServer): string {
  const a = s.app.server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  /** The catalog code of an error answer. */
  code: string | undefined;
  cookie: string;
}

function client(s: RunningServer) {
  const base = localUrl(s);
  return async <T = Record<string, unknown>>(method: string, url: string, body?: unknown, cookie?: string): Promise<Reply<T>> => {
    const res = await fetch(base + url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const parsed = (text ? JSON.parse(text) : {}) as T & { error?: { code?: string } };
    return {
      status: res.status,
      body: parsed,
      code: parsed.error?.code,
      cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '),
    };
  };
}

const tokenOf = (link: string) => new URL(link).hash.split('token=')[1]!;
const linkIn = (lines: string[]) => lines.map((l) => l.trim()).find((l) => l.startsWith(`${PUBLIC_URL}/app/#/set-password?token=`))!;

describe('production bootstrap (init CLI on an empty database)', () => {
  let dataDir: string;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-accounts-init-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the organisation and a password-less admin, prints a one-time link, refuses clashes, never seeds the demo', async () => {
    // The CLI reads the server's environment, as an operator's shell would give it.
    const saved = { DATA_DIR: process.env.DATA_DIR, PUBLIC_URL: process.env.PUBLIC_URL };
    Object.assign(process.env, { DATA_DIR: dataDir, PUBLIC_URL });
    const first = capture();
    expect(await run(['init', '--org', 'Acme Bank', '--admin', 'Boss@Acme.test', '--name', 'Bo Ss'], first)).toBe(0);
    const link1 = linkIn(first.out);
    expect(link1, first.out.join('\n')).toBeTruthy();
    expect(first.out.join('\n')).toMatch(/widget site key: acme-bank-[0-9a-f]{10}/);

    // Same org and admin before the password is set: a new link, the old one dead.
    const again = capture();
    expect(await run(['init', '--org', 'acme bank', '--admin', 'boss@acme.test'], again)).toBe(0);
    const link2 = linkIn(again.out);
    expect(link2).not.toBe(link1);
    const otherOrg = capture();
    expect(await run(['init', '--org', 'Other', '--admin', 'boss@acme.test'], otherOrg)).toBe(1);
    expect(otherOrg.err.join('\n')).toMatch(/already belongs to an account/);
    const sameOrg = capture();
    expect(await run(['init', '--org', 'Acme Bank', '--admin', 'someone@acme.test'], sameOrg)).toBe(1);
    expect(sameOrg.err.join('\n')).toMatch(/already exists/);
    const usage = capture();
    expect(await run(['init', '--org', 'X', '--admin', 'not-an-email'], usage)).toBe(2);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }

    server = await boot(dataDir, { VISAVIS_PRODUCTION: 'true' });
    expect(server.demoSeeded).toBe(false);
    expect(await server.db.query('select 1 from orgs where site_key = $1', [DEMO_SITE_KEY])).toHaveLength(0);
    // Only the hash of the link's token is stored.
    const stored = await server.db.query<{ token_hash: string }>('select token_hash from account_tokens where used_at is null');
    expect(stored.map((r) => r.token_hash)).toEqual([sha256Hex(tokenOf(link2))]);

    const call = client(server);
    expect((await call('POST', '/api/auth/login', { email: 'boss@acme.test', password: 'anything-at-all' })).code).toBe('INVALID_CREDENTIALS');
    expect((await call('POST', '/api/auth/password-link', { token: tokenOf(link1) })).code).toBe('INVALID_TOKEN');
    const info = await call('POST', '/api/auth/password-link', { token: tokenOf(link2) });
    // The answers are parsed with their protocol schemas: a drift between server and schema fails here.
    expect(PasswordLinkInfo.parse(info.body)).toMatchObject({ email: 'boss@acme.test', name: 'Bo Ss', orgName: 'Acme Bank', purpose: 'invite' });
    expect((await call('POST', '/api/auth/set-password', { token: tokenOf(link2), password: 'short' })).status).toBe(422);
    expect((await call('POST', '/api/auth/set-password', { token: tokenOf(link2), password: 'boss@acme.test' })).code).toBe('WEAK_PASSWORD');
    expect((await call('POST', '/api/auth/set-password', { token: tokenOf(link2), password: 'a long enough secret' })).status).toBe(200);
    expect((await call('POST', '/api/auth/set-password', { token: tokenOf(link2), password: 'another long secret' })).code).toBe('INVALID_TOKEN');
    const login = await call('POST', '/api/auth/login', { email: 'boss@acme.test', password: 'a long enough secret' });
    expect(login.status).toBe(200);
    expect(SignedInAgent.parse(login.body)).toMatchObject({ agent: { role: 'admin' }, org: { name: 'Acme Bank' } });

    // The only admin can neither deactivate nor demote themselves.
    const me = (login.body as { agent: { id: string } }).agent.id;
    expect((await call('POST', `/api/admin/agents/${me}/deactivate`, undefined, login.cookie)).code).toBe('LAST_ADMIN');
    expect((await call('PUT', `/api/admin/agents/${me}/role`, { role: 'agent' }, login.cookie)).code).toBe('LAST_ADMIN');
    const audit = await server.db.query<{ action: string }>('select action from audit_log order by seq');
    expect(audit.map((a) => a.action)).toEqual(['org.bootstrapped', 'org.bootstrap_link_reissued', 'account.password_set', 'agent.login']);
  });
});

describe('demo data and production', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-accounts-demo-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('never seeds with SEED_DEMO=false or in production, and production refuses a database whose demo accounts keep the demo password', async () => {
    const off = await boot(dataDir, { SEED_DEMO: 'false' });
    expect(off.demoSeeded).toBe(false);
    await off.stop();
    const prod = await boot(dataDir, { NODE_ENV: 'production' });
    expect(prod.demoSeeded).toBe(false);
    expect(await prod.db.query('select 1 from agents')).toHaveLength(0);
    await prod.stop();

    const demo = await boot(dataDir);
    expect(demo.demoSeeded).toBe(true);
    await demo.stop();
    await expect(boot(dataDir, { VISAVIS_PRODUCTION: 'true' })).rejects.toThrow(/demo password.*admin@demo\.visavis\.local/s);
    await expect(boot(dataDir, { NODE_ENV: 'production' })).rejects.toThrow(/Refusing to start in production/);

    // Once every demo account has another password (or is deactivated) production starts.
    const fix = await boot(dataDir);
    const call = client(fix);
    const admin = await call('POST', '/api/auth/login', { email: 'admin@demo.visavis.local', password: DEMO_PASSWORD });
    const { accounts } = AccountsAnswer.parse((await call('GET', '/api/admin/accounts', undefined, admin.cookie)).body);
    for (const a of accounts.filter((x) => x.email !== 'admin@demo.visavis.local')) {
      expect((await call('POST', `/api/admin/agents/${a.id}/deactivate`, undefined, admin.cookie)).status).toBe(204);
    }
    expect((await call('PUT', '/api/me/password', { currentPassword: DEMO_PASSWORD, newPassword: 'a brand new password' }, admin.cookie)).status).toBe(204);
    await fix.stop();
    const ok = await boot(dataDir, { VISAVIS_PRODUCTION: 'true' });
    await ok.stop();
  });
});

describe('agent account lifecycle (demo organisation)', () => {
  let dataDir: string;
  let server: RunningServer;
  let call: ReturnType<typeof client>;
  let admin: string;
  let wsUrl: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vv-accounts-'));
    server = await boot(dataDir);
    call = client(server);
    wsUrl = localUrl(server).replace(/^http/, 'ws') + '/ws';
    admin = (await call('POST', '/api/auth/login', { email: 'admin@demo.visavis.local', password: DEMO_PASSWORD })).cookie;
  });
  afterAll(async () => {
    offset.ms = 0;
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const login = (email: string, password: string, totpCode?: string) => call('POST', '/api/auth/login', { email, password, totpCode });
  const socketOf = (cookie: string) => agentConnection({ wsUrl } as never, cookie);
  /** The workspace's signal to go to the login page: the server ended the session (close 4001). */
  const closedWith = (r: ReturnType<typeof socketOf>) =>
    new Promise<void>((resolve) =>
      r.conn.on('auth-failed', () => {
        r.conn.close();
        resolve();
      }),
    );

  async function invite(email: string, role = 'agent') {
    const { body: groups } = await call<{ groups: { id: string }[] }>('GET', '/api/admin/skill-groups', undefined, admin);
    const r = await call('POST', '/api/admin/agents/invite', { email, name: `New ${role}`, role, groupIds: [groups.groups[0]!.id], capacity: 3 }, admin);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return InvitedAgentAnswer.parse(r.body);
  }

  it('invite → set password → login; the invitee is in the chosen group; duplicates and non-admins are refused', async () => {
    const inv = await invite('new.agent@demo.visavis.local');
    expect(inv.agent.passwordSet).toBe(false);
    expect(inv.link.link.startsWith(`${PUBLIC_URL}/app/#/set-password?token=`)).toBe(true);
    expect(new Date(inv.link.expiresAt).getTime() - clock.now().getTime()).toBeGreaterThan(71 * 3_600_000);
    expect((await call('POST', '/api/admin/agents/invite', { email: 'NEW.agent@demo.visavis.local', name: 'Dup' }, admin)).code).toBe('EMAIL_IN_USE');
    const agent1 = (await login('agent1@demo.visavis.local', DEMO_PASSWORD)).cookie;
    expect((await call('POST', '/api/admin/agents/invite', { email: 'x@y.test', name: 'X' }, agent1)).status).toBe(403);
    expect((await call('POST', '/api/admin/agents/invite', { email: 'x@y.test', name: 'X', groupIds: ['00000000-0000-4000-8000-000000000000'] }, admin)).status).toBe(404);

    expect((await call('POST', '/api/auth/set-password', { token: tokenOf(inv.link.link), password: 'invited password 1' })).status).toBe(200);
    const me = await login('new.agent@demo.visavis.local', 'invited password 1');
    expect(me.status).toBe(200);
    const member = await server.db.query('select 1 from skill_group_members where agent_id = $1', [inv.agent.id]);
    expect(member).toHaveLength(1);
    const actions = await server.db.query<{ action: string }>(`select action from audit_log where target_id = $1 order by seq`, [inv.agent.id]);
    expect(actions.map((a) => a.action)).toEqual(['account.invited', 'account.password_set', 'agent.login']);
  });

  it('an admin reset ends every session at once (open socket closed), kills the old password and issues a working link', async () => {
    const inv = await invite('reset.me@demo.visavis.local');
    await call('POST', '/api/auth/set-password', { token: tokenOf(inv.link.link), password: 'first password 1' });
    const session = await login('reset.me@demo.visavis.local', 'first password 1');
    const ws = socketOf(session.cookie);
    await waitFor(() => ws.conn.status === 'open', 'socket open');
    const closed = closedWith(ws);
    const reset = await call<{ link: string }>('POST', `/api/admin/agents/${inv.agent.id}/reset-password`, undefined, admin);
    expect(reset.status).toBe(200);
    await closed;
    expect((await call('GET', '/api/me', undefined, session.cookie)).status).toBe(401);
    expect((await login('reset.me@demo.visavis.local', 'first password 1')).code).toBe('INVALID_CREDENTIALS');
    const info = await call('POST', '/api/auth/password-link', { token: tokenOf(reset.body.link) });
    expect(info.body.purpose).toBe('reset');
    await call('POST', '/api/auth/set-password', { token: tokenOf(reset.body.link), password: 'second password 2' });
    expect((await login('reset.me@demo.visavis.local', 'second password 2')).status).toBe(200);
  });

  it('deactivation closes the open workspace socket at once, sets the agent offline and blocks login; reactivation restores it', async () => {
    const a2 = await login('agent2@demo.visavis.local', DEMO_PASSWORD);
    const ws = socketOf(a2.cookie);
    await ws.conn.request({ type: 'presence.set', presence: 'online' });
    const closed = closedWith(ws);
    const id = (a2.body as { agent: { id: string } }).agent.id;
    expect((await call('POST', `/api/admin/agents/${id}/deactivate`, undefined, admin)).status).toBe(204);
    await closed;
    expect((await call('GET', '/api/me', undefined, a2.cookie)).status).toBe(401);
    expect((await login('agent2@demo.visavis.local', DEMO_PASSWORD)).code).toBe('ACCOUNT_DEACTIVATED');
    // A wrong password still answers the generic refusal: deactivation is not revealed to guessers.
    expect((await login('agent2@demo.visavis.local', 'wrong password')).code).toBe('INVALID_CREDENTIALS');
    const [row] = await server.db.query<{ presence: string; active: boolean }>('select presence, active from agents where id = $1', [id]);
    expect(row).toEqual({ presence: 'offline', active: false });
    const dir = await call<{ agents: { id: string }[] }>('GET', '/api/agents/directory', undefined, admin);
    expect(dir.body.agents.map((a) => a.id)).not.toContain(id);

    expect((await call('POST', `/api/admin/agents/${id}/reactivate`, undefined, admin)).status).toBe(204);
    expect((await login('agent2@demo.visavis.local', DEMO_PASSWORD)).status).toBe(200);
    const audit = await server.db.query<{ action: string }>(`select action from audit_log where target_id = $1 and action like 'account.%' order by seq`, [id]);
    expect(audit.map((a) => a.action)).toEqual(['account.deactivated', 'account.reactivated']);
  });

  it('a role change ends the sessions so the new role applies; the last active admin is protected; admins list and revoke sessions', async () => {
    const sup = await login('supervisor@demo.visavis.local', DEMO_PASSWORD);
    const supId = (sup.body as { agent: { id: string } }).agent.id;
    const adminId = ((await call<{ agent: { id: string } }>('GET', '/api/me', undefined, admin)).body).agent.id;
    expect((await call('PUT', `/api/admin/agents/${adminId}/role`, { role: 'supervisor' }, admin)).code).toBe('LAST_ADMIN');
    expect((await call('POST', `/api/admin/agents/${adminId}/deactivate`, undefined, admin)).code).toBe('LAST_ADMIN');

    const second = await login('supervisor@demo.visavis.local', DEMO_PASSWORD);
    const listed = SessionsAnswer.parse((await call('GET', `/api/admin/agents/${supId}/sessions`, undefined, admin)).body);
    expect(listed.sessions.length).toBeGreaterThanOrEqual(2);
    const mine = SessionsAnswer.parse((await call('GET', '/api/me/sessions', undefined, second.cookie)).body);
    const other = mine.sessions.find((s) => !s.current)!;
    expect(SessionsEndedAnswer.parse((await call('DELETE', `/api/admin/agents/${supId}/sessions/${other.id}`, undefined, admin)).body)).toEqual({ ended: 1 });
    expect((await call('DELETE', `/api/me/sessions/${other.id}`, undefined, second.cookie)).status).toBe(404);

    expect((await call('PUT', `/api/admin/agents/${supId}/role`, { role: 'admin' }, admin)).status).toBe(204);
    expect((await call('GET', '/api/me', undefined, second.cookie)).status).toBe(401);
    const promoted = await login('supervisor@demo.visavis.local', DEMO_PASSWORD);
    expect(promoted.body).toMatchObject({ agent: { role: 'admin' } });
    // Two admins now: either may step down, but not both.
    expect((await call('PUT', `/api/admin/agents/${adminId}/role`, { role: 'supervisor' }, promoted.cookie)).status).toBe(204);
    expect((await call('POST', `/api/admin/agents/${supId}/deactivate`, undefined, promoted.cookie)).code).toBe('LAST_ADMIN');
    // Put the demo back as it was for the tests below.
    expect((await call('PUT', `/api/admin/agents/${adminId}/role`, { role: 'admin' }, promoted.cookie)).status).toBe(204);
    admin = (await login('admin@demo.visavis.local', DEMO_PASSWORD)).cookie;
    expect((await call('PUT', `/api/admin/agents/${supId}/role`, { role: 'supervisor' }, admin)).status).toBe(204);
  });

  it('changing the password needs the current one and ends the other sessions, not this one', async () => {
    const a = await login('agent1@demo.visavis.local', DEMO_PASSWORD);
    const b = await login('agent1@demo.visavis.local', DEMO_PASSWORD);
    expect((await call('PUT', '/api/me/password', { currentPassword: 'wrong one', newPassword: 'a new agent password' }, a.cookie)).code).toBe('INVALID_CREDENTIALS');
    expect((await call('PUT', '/api/me/password', { currentPassword: DEMO_PASSWORD, newPassword: 'a new agent password' }, a.cookie)).status).toBe(204);
    expect((await call('GET', '/api/me', undefined, a.cookie)).status).toBe(200);
    expect((await call('GET', '/api/me', undefined, b.cookie)).status).toBe(401);
    expect((await login('agent1@demo.visavis.local', 'a new agent password')).status).toBe(200);
    await call('PUT', '/api/me/password', { currentPassword: 'a new agent password', newPassword: DEMO_PASSWORD }, a.cookie);
  });

  it('sessions idle out after SESSION_IDLE_MINUTES, activity keeps them, and the sweep closes idle sockets', async () => {
    const s = await login('agent1@demo.visavis.local', DEMO_PASSWORD);
    offset.ms += 40 * 60_000;
    expect((await call('GET', '/api/me', undefined, s.cookie)).status).toBe(200);
    offset.ms += 40 * 60_000;
    expect((await call('GET', '/api/me', undefined, s.cookie)).status).toBe(200);
    const ws = socketOf(s.cookie);
    await waitFor(() => ws.conn.status === 'open', 'socket open');
    const closed = closedWith(ws);
    offset.ms += 61 * 60_000;
    expect(await server.auth.expireStale()).toBeGreaterThanOrEqual(1);
    await closed;
    expect((await call('GET', '/api/me', undefined, s.cookie)).status).toBe(401);
    admin = (await login('admin@demo.visavis.local', DEMO_PASSWORD)).cookie;
  });

  it('TOTP: enrol, confirm, code asked at login, no replay, failures locked out, disable, admin reset (audited); not for agents', async () => {
    const agent = await login('agent1@demo.visavis.local', DEMO_PASSWORD);
    expect((await call('POST', '/api/me/totp/enrol', undefined, agent.cookie)).status).toBe(403);

    let sup = await login('supervisor@demo.visavis.local', DEMO_PASSWORD);
    const enrol = TotpEnrolment.parse((await call('POST', '/api/me/totp/enrol', undefined, sup.cookie)).body);
    expect(enrol.uri).toMatch(/^otpauth:\/\/totp\/Visavis%3Asupervisor%40demo\.visavis\.local\?secret=/);
    const key = base32Decode(enrol.secret)!;
    const code = () => totpAt(key, clock.now().getTime());
    const wrong = () => String((Number(code()) + 1) % 1_000_000).padStart(6, '0');
    expect((await call('POST', '/api/me/totp/confirm', { code: wrong() }, sup.cookie)).code).toBe('TOTP_INVALID');
    expect((await call('POST', '/api/me/totp/confirm', { code: code() }, sup.cookie)).status).toBe(204);
    expect(TotpStatus.parse((await call('GET', '/api/me/totp', undefined, sup.cookie)).body)).toEqual({ available: true, enabled: true });

    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD)).code).toBe('TOTP_REQUIRED');
    expect((await login('supervisor@demo.visavis.local', 'wrong password', code())).code).toBe('INVALID_CREDENTIALS');
    // The code just used to confirm is spent for its whole window.
    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD, code())).code).toBe('TOTP_INVALID');
    offset.ms += 30_000;
    sup = await login('supervisor@demo.visavis.local', DEMO_PASSWORD, code());
    expect(sup.status).toBe(200);
    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD, code())).code).toBe('TOTP_INVALID');

    // That replay was failure 1; three more wrong codes make 4.
    offset.ms += 30_000;
    for (let i = 0; i < 3; i++) expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD, wrong())).code).toBe('TOTP_INVALID');
    // The fifth failure locks the second factor: even the right code waits.
    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD, wrong())).code).toBe('TOTP_INVALID');
    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD, code())).code).toBe('RATE_LIMITED');
    offset.ms += 5 * 60_000 + 1000;
    sup = await login('supervisor@demo.visavis.local', DEMO_PASSWORD, code());
    expect(sup.status).toBe(200);

    offset.ms += 30_000;
    expect((await call('POST', '/api/me/totp/disable', { code: code() }, sup.cookie)).status).toBe(204);
    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD)).status).toBe(200);

    // Lost phone: the admin removes the second factor.
    const again = await call<{ secret: string }>('POST', '/api/me/totp/enrol', undefined, sup.cookie);
    offset.ms += 30_000;
    await call('POST', '/api/me/totp/confirm', { code: totpAt(base32Decode(again.body.secret)!, clock.now().getTime()) }, sup.cookie);
    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD)).code).toBe('TOTP_REQUIRED');
    const supId = (sup.body as { agent: { id: string } }).agent.id;
    const accounts = await call<{ accounts: { id: string; totpEnabled: boolean }[] }>('GET', '/api/admin/accounts', undefined, admin);
    expect(accounts.body.accounts.find((a) => a.id === supId)!.totpEnabled).toBe(true);
    expect((await call('DELETE', `/api/admin/agents/${supId}/totp`, undefined, admin)).status).toBe(204);
    expect((await login('supervisor@demo.visavis.local', DEMO_PASSWORD)).status).toBe(200);
    const audit = await server.db.query<{ action: string }>(`select action from audit_log where target_id = $1 and action like 'account.totp%' order by seq`, [supId]);
    expect(audit.map((a) => a.action)).toEqual(['account.totp_enabled', 'account.totp_disabled', 'account.totp_enabled', 'account.totp_reset']);
  });

  it('bad input gets catalog codes, never a 500', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/auth/set-password', { token: 'x', password: 'long enough password' }],
      ['POST', '/api/auth/password-link', { token: 'A'.repeat(43) }],
      ['POST', '/api/auth/password-link', 'nope'],
      ['PUT', '/api/admin/agents/not-a-uuid/role', { role: 'agent' }],
      ['PUT', '/api/admin/agents/00000000-0000-4000-8000-000000000000/role', { role: 'root' }],
      ['POST', '/api/admin/agents/00000000-0000-4000-8000-000000000000/deactivate', undefined],
      ['DELETE', '/api/admin/agents/00000000-0000-4000-8000-000000000000/sessions/zzz', undefined],
      ['POST', '/api/me/totp/confirm', { code: '12ab56' }],
    ];
    for (const [method, url, body] of cases) {
      const r = await call(method, url, body, admin);
      expect(r.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${method} ${url}`).toBeLessThan(500);
      expect(typeof r.code).toBe('string');
    }
  });
});
